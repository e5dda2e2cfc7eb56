"""Mail leaves only after the commit; SMTP delivery is tested against a local SMTP sink."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator

import pytest

from fieldapp.mail.services import Message, read_outbox, send_after_commit


class _SMTPSink(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept a message and keep it."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 ok")
            elif command == "DATA":
                self.reply("354 go ahead")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.messages.append(b"".join(data).decode())  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


@pytest.fixture
def smtp_sink() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSink)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_mail_is_sent_only_after_commit(app, db, outbox):
    with app.test_request_context():
        send_after_commit(db.session(), Message("a@example.org", "s", "b"))
        db.session.rollback()
        assert outbox == []
        send_after_commit(db.session(), Message("a@example.org", "s", "b"))
        assert outbox == []
        db.session.commit()
    assert [m.to for m in outbox] == ["a@example.org"]


def test_smtp_delivery(app, db, smtp_sink):
    app.config.update(
        FIELDAPP_MAIL_BACKEND=None,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
        MAIL_USE_TLS=False,
    )
    with app.test_request_context():
        send_after_commit(db.session(), Message("an@example.org", "Onderwerp", "Dag An\n"))
        db.session.commit()
    assert len(smtp_sink.messages) == 1
    assert "Subject: Onderwerp" in smtp_sink.messages[0]
    assert "To: an@example.org" in smtp_sink.messages[0]


def test_unreachable_smtp_is_logged_not_raised(app, db, caplog):
    app.config.update(
        FIELDAPP_MAIL_BACKEND=None, MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2
    )
    with app.test_request_context():
        send_after_commit(db.session(), Message("an@example.org", "s", "b"))
        db.session.commit()
    assert "could not deliver mail" in caplog.text


def test_development_outbox_page(app, client, db):
    app.config["FIELDAPP_MAIL_BACKEND"] = "outbox"
    with app.test_request_context():
        send_after_commit(db.session(), Message("an@example.org", "Hallo", "https://x/y\n"))
        db.session.commit()
    assert read_outbox(app)[0]["subject"] == "Hallo"
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "Hallo" in page


def test_outbox_page_does_not_exist_in_production(app, client):
    app.config.update(FIELDAPP_MAIL_BACKEND=None, FIELDAPP_ENV="production", MAIL_SERVER=None)
    assert client.get("/dev/outbox").status_code == 404
