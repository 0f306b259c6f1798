"""Serve the hub under gunicorn: one gevent worker, where every open screen is a greenlet, not a thread."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

from hub.config import Settings
from hub.entrypoints.https import https_options
from hub.entrypoints.web.socket_limits import TOTAL as MAX_SOCKETS

logger = logging.getLogger(__name__)

GRACEFUL_TIMEOUT_S = 10
HTTP_CONNECTIONS = 1000  # kept for HTTP requests beyond every live socket the limits let in
STOP_WAIT_S = 6  # the hub's own stop gets this long, so the worker ends before gunicorn would kill it
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


class HubServer(BaseApplication):
    """Run the app factory inside gunicorn's single worker, with the broker connection there too."""

    def __init__(self, settings: Settings, before_stop: Callable[[], None] | None = None) -> None:
        self._settings = settings
        self._before_stop = before_stop
        super().__init__()

    def load_config(self) -> None:
        """Give gunicorn its settings."""
        options = {
            "bind": f"{self._settings.http_host}:{self._settings.http_port}",
            "workers": 1,  # Socket.IO state lives in the worker; more need a message queue
            # The worker monkey-patches the standard library before it loads the app (docs/deployment.md).
            "worker_class": "gevent",
            "worker_connections": MAX_SOCKETS + HTTP_CONNECTIONS,
            "timeout": 0,  # long-lived websockets
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "worker_exit": _stop_hub,
            "control_socket_disable": True,  # nothing uses it, and it writes into $HOME
        }
        options.update(https_options(self._settings))  # HTTPS and the HTTP port's redirect, once there is a certificate
        if self._before_stop is not None:
            options.update(_quiet_stop_hooks(self._before_stop))
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build the app in the worker process and start its messaging there."""
        from hub.entrypoints.web.app import create_app

        return create_app(self._settings, start_messaging=True)


def _stop_hub(server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    hub = app.config.get("PASSLINE_HUB") if app is not None and hasattr(app, "config") else None
    if hub is not None:
        logger.debug("stopping the hub")
        stopping = threading.Thread(target=hub.stop, name="hub-stop", daemon=True)
        stopping.start()
        stopping.join(STOP_WAIT_S)
        if stopping.is_alive():
            logger.warning("the hub did not stop within %s s; ending anyway (Mosquitto ends with it)", STOP_WAIT_S)
    if worker.pid == os.getpid():  # in the worker itself (the master calls this too, for a worker already gone)
        # Open screens hold websocket threads that never end by themselves (and a stop while the hub is still
        # starting leaves its start-up threads): without this the worker would wait for them until the master
        # kills it, and Ctrl+C would say so, loudly.
        logging.shutdown()
        os._exit(0)


def _quiet_stop_hooks(before_stop: Callable[[], None]) -> dict:
    """Return gunicorn hooks for a stop that says nothing but warnings, and calls before_stop before the hub stops.

    Ctrl+C reaches the master and its worker at once. The worker takes it only as a sign to be quiet; the
    master quiets itself, calls before_stop (the demo stops its simulated devices while their broker is
    still there), and then stops the worker as gunicorn does.
    """
    def when_ready(_server) -> None:  # in the master, once gunicorn's own signal handlers are in place
        stopping = threading.Event()

        def once() -> None:  # a second Ctrl+C goes straight to gunicorn
            if not stopping.is_set():
                stopping.set()
                _quiet()
                before_stop()

        for number in STOP_SIGNALS:
            _first(number, once)

    def post_worker_init(_worker) -> None:  # in the worker
        signal.signal(signal.SIGINT, lambda *_: _quiet())  # the master stops this worker once the devices are gone
        for number in (signal.SIGTERM, signal.SIGQUIT):
            _first(number, _quiet)

    return {"when_ready": when_ready, "post_worker_init": post_worker_init}


def _first(number: signal.Signals, call: Callable[[], object]) -> None:
    """Have a signal call `call` before the handler it had."""
    had = signal.getsignal(number)

    def handler(signum, frame) -> None:
        call()
        if callable(had):
            had(signum, frame)

    signal.signal(number, handler)


def _quiet() -> None:
    """Let only warnings and errors through from now on: a stop's steps are no news to the person who asked for it."""
    for name in ("", "gunicorn.error"):
        logging.getLogger(name).setLevel(logging.WARNING)


def serve(settings: Settings, *, before_stop: Callable[[], None] | None = None) -> None:
    """Run until stopped by a signal; with before_stop, the stop is quiet and calls it before the hub stops."""
    master = os.getpid()
    try:
        HubServer(settings, before_stop).run()
    except BaseException as exc:
        if os.getpid() == master:
            raise
        # The worker is forked inside run(): one that leaves by an exception (a stop signal landing at a bad
        # moment) must end here, with its exit code, not run its parent's code or wait for its websocket threads.
        code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 1
        logging.shutdown()
        os._exit(code)
