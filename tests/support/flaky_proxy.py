"""An HTTP proxy between the hub and HQ that loses requests, loses answers after HQ committed, or answers 500."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PASS, DROP_REQUEST, DROP_RESPONSE, ERROR_500 = "pass", "drop_request", "drop_response", "error_500"


class FlakyProxy:
    """Forward to HQ as `mode` says, request by request; `seen` counts what each mode did."""

    def __init__(self, target_url: str) -> None:
        self.mode = PASS
        self.seen: Counter[str] = Counter()
        target = urlsplit(target_url)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet: the test says what matters
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                mode = proxy.mode
                proxy.seen[mode] += 1
                if mode == DROP_REQUEST:
                    self.close_connection = True  # HQ never hears of it; the hub gets no answer
                    return
                if mode == ERROR_500:
                    self._answer(500, b'{"code": "internal_error", "message": "HQ failed"}')
                    return
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                raw = answer.read()
                upstream.close()
                if mode == DROP_RESPONSE:
                    self.close_connection = True  # HQ committed; the hub never learns it
                    return
                self._answer(answer.status, raw)

            def _answer(self, status: int, raw: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        """Start forwarding."""
        self._thread.start()

    def stop(self) -> None:
        """Stop forwarding and close the port."""
        self._server.shutdown()
        self._server.server_close()
