"""Serve HQ under gunicorn: a few workers (no sockets to share), a few threads each."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from cloud.config import CloudSettings

WORKERS = 2  # this machine's cores; HQ keeps no state in a worker, so more scale out freely
GRACEFUL_TIMEOUT_S = 10


class CloudServer(BaseApplication):
    """Run HQ's app factory in gunicorn's workers."""

    def __init__(self, settings: CloudSettings) -> None:
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        """Give gunicorn its settings."""
        options = {
            "bind": f"{self._settings.http_host}:{self._settings.http_port}",
            "workers": WORKERS,
            "worker_class": "gthread",
            "threads": self._settings.http_threads,
            "timeout": 60,
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "control_socket_disable": True,  # nothing uses it, and it writes into $HOME
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build the app in the worker process."""
        from cloud.web.app import create_app

        return create_app(self._settings)


def serve(settings: CloudSettings) -> None:
    """Run until stopped by a signal."""
    CloudServer(settings).run()
