"""A real local HTTP server for tests that fetch feeds (http.server in a thread, never a mock).

`feed_server` serves routes the test declares (body, status, headers, delay, dribble, ETag) on
127.0.0.1 and records each request's headers; it lets the SSRF-safe fetcher reach 127.0.0.1
through the test-only setting SAFE_FETCH_ALLOW_NETWORKS, and only for the test's duration.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer
    dribble: float = 0.0  # seconds between single bytes of the body
    etag: str = ""  # answer 304 to a request that sends it back in If-None-Match
    content_length: bool = True


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    if route.dribble:
                        for i in range(len(route.body)):
                            self.wfile.write(route.body[i:i + 1])
                            self.wfile.flush()
                            time.sleep(route.dribble)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, **kwargs) -> str:
        self.routes[path] = Route(**kwargs)
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


@pytest.fixture(name="feed_server")
def feed_server_fixture(settings):
    server = FeedServer()
    server.thread.start()
    settings.SAFE_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
