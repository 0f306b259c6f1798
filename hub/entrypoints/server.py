"""Serve the hub under gunicorn: one worker (Flask-SocketIO needs it), many threads."""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from hub.config import Settings
from hub.entrypoints.https import https_options

logger = logging.getLogger(__name__)

GRACEFUL_TIMEOUT_S = 10


class HubServer(BaseApplication):
    """Run the app factory inside gunicorn's single worker, with the broker connection there too."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        """Give gunicorn its settings."""
        options = {
            "bind": f"{self._settings.http_host}:{self._settings.http_port}",
            "workers": 1,  # Socket.IO state lives in the worker; more need a message queue
            "worker_class": "gthread",
            "threads": self._settings.http_threads,
            "timeout": 0,  # long-lived websockets; the gthread worker's heartbeat runs on its own
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "worker_exit": _stop_hub,
            "control_socket_disable": True,  # nothing uses it, and it writes into $HOME
        }
        options.update(https_options(self._settings))  # HTTPS and the HTTP port's redirect, once there is a certificate
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
        logger.info("stopping the hub")
        hub.stop()


def serve(settings: Settings) -> None:
    """Run until stopped by a signal."""
    HubServer(settings).run()
