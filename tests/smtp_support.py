"""A real SMTP server on a local port, for tests that need the mail server to fail and come back.

Django's SMTP backend talks to it over TCP, so nothing of ours is mocked: with `accepting = False`
it greets with "421 service not available" (what a mail server says while it is down) and hangs up;
stopped, the port refuses connections; accepting, it stores each message it is given.
"""

from __future__ import annotations

import email
import socket
import socketserver
import threading
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server: SmtpServer = self.server  # type: ignore[assignment]
        if not server.accepting:
            self._say("421 4.3.2 Service not available, try again later")
            return
        self._say("220 localhost test SMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().upper()
            if verb.startswith(("EHLO", "HELO")):
                self._say("250 localhost")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                with server.lock:
                    server.received.append(email.message_from_bytes(b"".join(lines)))
                self._say("250 2.0.0 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self._say("250 OK")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, *, accepting: bool = True) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.accepting = accepting
        self.received: list[Message] = []
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def free_port() -> int:
    """A local port where nothing listens (connections to it are refused) until a server takes it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def text_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""
