"""HTTPS for the hub once `passline tls init` made its certificate, and the plain-HTTP port's redirect to it.

Without a certificate nothing changes: the hub serves plain HTTP on its HTTP port (the demo).
With one, gunicorn serves HTTPS on the HTTPS port, and a small listener on the HTTP port
answers every request with a redirect there, so bookmarks and printed QR codes keep working.
The redirect listener runs in gunicorn's master process: it holds no app state, and it stays
up while a worker restarts, whatever worker class the app runs on.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from hub.adapters.store_tls import TlsFiles
from hub.config import Settings

logger = logging.getLogger(__name__)

REDIRECT_STATUS = 308  # permanent, and the method and body stay as they were (a POST stays a POST)


def serves_https(settings: Settings) -> bool:
    """Return True when the hub has a certificate, so it serves HTTPS."""
    return TlsFiles.in_data_dir(settings.data_dir).ready


def page_port(settings: Settings) -> int:
    """Return the port browsers load the hub's pages from (the Origin their sockets send)."""
    return settings.https_port if serves_https(settings) else settings.http_port


def https_options(settings: Settings) -> dict:
    """Return gunicorn settings for HTTPS with the redirect listener, or nothing when there is no certificate."""
    files = TlsFiles.in_data_dir(settings.data_dir)
    if not files.ready:
        logger.warning("no TLS certificate in %s: serving plain HTTP (run `passline tls init`)", files.folder)
        return {}
    redirector = HttpsRedirector(settings.http_host, settings.http_port, settings.https_port)
    return {
        "bind": f"{_bind_host(settings.http_host)}:{settings.https_port}",
        "certfile": str(files.cert),
        "keyfile": str(files.key),
        "when_ready": lambda _arbiter: redirector.start(),
        "on_exit": lambda _arbiter: redirector.stop(),
    }


class HttpsRedirector:
    """Answer every plain-HTTP request with a redirect to the same path over HTTPS."""

    def __init__(self, host: str, port: int, https_port: int) -> None:
        self._address = (host or "0.0.0.0", port)
        self._https_port = https_port
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        """Listen on the HTTP port in a background thread."""
        handler = type("Redirect", (_RedirectHandler,), {"https_port": self._https_port})
        try:
            self._server = ThreadingHTTPServer(self._address, handler)
        except OSError as exc:  # HTTPS still serves; only old http:// addresses go unanswered
            logger.error("cannot listen on %s:%s to redirect plain HTTP to HTTPS: %s", *self._address, exc)
            return
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="https-redirect", daemon=True).start()
        logger.info("plain HTTP on %s:%s redirects to HTTPS port %s", *self._address, self._https_port)

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _RedirectHandler(BaseHTTPRequestHandler):
    https_port = 0
    timeout = 10  # seconds a client may take to send its request line: an idle one does not hold a thread for ever
    server_version = "Passline"
    sys_version = ""

    def _redirect(self) -> None:
        host = urlsplit(f"//{self.headers.get('Host') or ''}").hostname or self.server.server_address[0]
        if ":" in host:
            host = f"[{host}]"
        port = "" if self.https_port == 443 else f":{self.https_port}"
        location = f"https://{host}{port}{self.path if self.path.startswith('/') else '/'}"
        body = f"This hub answers over HTTPS only: {location}\n".encode()
        self.send_response(REDIRECT_STATUS)
        self.send_header("Location", location)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _redirect

    def log_message(self, format, *args) -> None:  # noqa: A002 - the standard library's name
        """Keep request lines out of the log (a path may carry a signed link)."""


def _bind_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
