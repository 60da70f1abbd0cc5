"""Mail backends: file (.eml), console, and SMTP against a small local server."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes

import pytest

from faqbot.web.inbox.mail import MailError, send_mail

BASE = {
    "MAIL_FROM": "bot@shop.example",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_SECURITY": "none",
    "SMTP_TIMEOUT": 5.0,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
}


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept one message; stores what it received."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        envelope: dict = {"rcpt": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == "MAIL":
                envelope["from"] = command
                self.wfile.write(b"250 OK\r\n")
            elif verb == "RCPT":
                envelope["rcpt"].append(command)
                self.wfile.write(b"250 OK\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                envelope["data"] = data
                self.server.received.append(envelope)
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_backend_delivers_to_the_server(smtp_server):
    config = {**BASE, "MAIL_BACKEND": "smtp", "SMTP_PORT": smtp_server.server_address[1]}
    send_mail(config, "visitor@example.com", "Re: your question", "Our reply.")
    [envelope] = smtp_server.received
    assert "visitor@example.com" in envelope["rcpt"][0]
    message = message_from_bytes(envelope["data"])
    assert message["Subject"] == "Re: your question"
    assert "Our reply." in message.get_payload()


def test_smtp_failure_is_a_mail_error():
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as probe:
        port = probe.server_address[1]  # closed again before use: nothing listens there
    config = {**BASE, "MAIL_BACKEND": "smtp", "SMTP_PORT": port}
    with pytest.raises(MailError):
        send_mail(config, "visitor@example.com", "s", "b")


def test_file_backend_writes_an_eml(tmp_path):
    send_mail(
        {**BASE, "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(tmp_path / "out")},
        "v@example.com",
        "Hello",
        "Body text",
    )
    [path] = (tmp_path / "out").glob("*.eml")
    assert b"Body text" in path.read_bytes()


def test_console_backend_prints(capsys):
    send_mail({**BASE, "MAIL_BACKEND": "console"}, "v@example.com", "Hello", "Body text")
    assert "Body text" in capsys.readouterr().err


def test_unknown_backend_is_an_error():
    with pytest.raises(MailError, match="unknown MAIL_BACKEND"):
        send_mail({**BASE, "MAIL_BACKEND": "pigeon"}, "v@example.com", "s", "b")


def test_a_failed_mail_does_not_lose_the_reply(app, client, auth, monkeypatch):
    app.config.update(MAIL_BACKEND="smtp", SMTP_PORT=1, SMTP_TIMEOUT=1.0)
    ticket = client.post("/api/v1/ask", json={"question": "help", "handoff": True}).get_json()
    token = ticket["ticket"]["token"]
    client.post(f"/api/v1/tickets/{token}/contact", json={"email": "v@example.com"})
    response = client.post(
        f"/api/v1/staff/tickets/{ticket['ticket']['id']}/reply",
        headers=auth.headers(),
        json={"text": "Saved anyway."},
    )
    assert response.status_code == 201
    assert response.get_json()["messages"][-1]["emailed_at"] is None
    assert client.get(f"/api/v1/tickets/{token}").get_json()["reply"] == "Saved anyway."
