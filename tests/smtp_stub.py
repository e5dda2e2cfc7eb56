"""A mail server for the tests, on 127.0.0.1: just enough SMTP (RFC 5321) to take a message, or
to refuse it the ways real servers do. It counts every connection, so a test can prove that a
request never talked to it."""

from __future__ import annotations

import socketserver
import threading
from types import TracebackType

from tests.background_server import serve_in_background


class _Handler(socketserver.StreamRequestHandler):
    server: SMTPStub

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        stub = self.server
        with stub.lock:
            stub.connections += 1
        if stub.refuse_connection:
            self.reply("421 4.3.2 stub.example.org service not available, try later")
            return
        self.reply("220 stub ready")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 stub")
            elif command.startswith("RCPT"):
                if stub.refuse_recipient:
                    self.reply("550 5.1.1 <someone@example.org>: no such mailbox here")
                else:
                    self.reply("250 ok")
            elif command.startswith(("MAIL", "RSET", "NOOP")):
                self.reply("250 ok")
            elif command == "DATA":
                self.reply("354 go ahead")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                with stub.lock:
                    stub.messages.append(b"".join(data).decode())
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


class SMTPStub(socketserver.ThreadingTCPServer):
    """``with SMTPStub() as stub``: ``stub.port``, ``stub.messages`` (the raw messages taken),
    ``stub.connections``; set ``refuse_connection`` (a 421 greeting) or ``refuse_recipient`` (550
    to every address) to make it fail."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.messages: list[str] = []
        self.connections = 0
        self.refuse_connection = False
        self.refuse_recipient = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def config(self) -> dict[str, object]:
        """The app configuration that sends mail here."""
        return {
            "FIELDAPP_MAIL_BACKEND": None,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_TIMEOUT": 5,
        }

    def __enter__(self) -> SMTPStub:
        self._thread = serve_in_background(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
