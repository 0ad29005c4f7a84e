"""Local servers for the two message providers. GOV.UK Notify is a third-party service, so
its tests talk to a local HTTP server speaking Notify's API (the routes Cairn uses, its
JSON shapes and its JWT bearer check, done with the client library's own verifier). SMTP
is tested against a real SMTP server (aiosmtpd) on a local port."""

from __future__ import annotations

import json
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.test import override_settings
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"cairn_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "a8e1e3a4-6c5a-4a4f-9a53-6d2cd2b0d0f1"
# What the two templates hold in Notify: only the personalisation fields.
TEMPLATES = {
    EMAIL_TEMPLATE: (
        "((service_name)): you have a new notification",
        "There is a new item in your ((service_name)) inbox. Sign in to read it: ((inbox_url))",
    ),
    SMS_TEMPLATE: ("", "((service_name)): a new item is in your inbox: ((inbox_url))"),
}
NOTIFICATION_PATH = re.compile(r"^/v2/notifications/([0-9a-f-]{36})$")


@dataclass
class FakeNotify:
    base_url: str = ""
    # Every request that passed the bearer check: (method, path, raw body).
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    refused_tokens: int = 0
    # Status codes to answer the next POSTs with, in order, instead of accepting them.
    fail_next: list[int] = field(default_factory=list)
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)

    def posts(self) -> list[dict[str, Any]]:
        return [json.loads(body) for method, _path, body in self.requests if method == "POST"]

    def set_status(self, notification_id: str, status: str) -> None:
        self.sent[notification_id]["status"] = status


def _error(status: int, error: str, message: str) -> dict[str, Any]:
    return {"errors": [{"error": error, "message": message}], "status_code": status}


def _render(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\(\(([a-z_]+)\)\)", lambda m: values.get(m.group(1), m.group(0)), text)


def _handler(state: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _authorised(self) -> bool:
            """Notify's check: an HS256 JWT signed with the key's secret, `iss` the service
            id, `iat` within 30 seconds."""
            header = self.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                self._answer(401, _error(401, "AuthError", "Unauthorized"))
                return False
            token = header.removeprefix("Bearer ")
            try:
                if get_token_issuer(token) != SERVICE_ID:
                    raise TokenError("Invalid token: service not found")
                decode_jwt_token(token, SECRET)
            except TokenError as exc:
                state.refused_tokens += 1
                self._answer(403, _error(403, "AuthError", exc.message))
                return False
            return True

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not self._authorised():
                return
            state.requests.append(("POST", self.path, raw))
            kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(
                self.path
            )
            if kind is None:
                self._answer(404, _error(404, "NotFoundError", "Not found"))
                return
            if state.fail_next:
                code = state.fail_next.pop(0)
                name = "BadRequestError" if code < 500 else "Exception"
                self._answer(code, _error(code, name, "Internal server error or bad request"))
                return
            body = json.loads(raw)
            to = body.get("email_address" if kind == "email" else "phone_number")
            template = TEMPLATES.get(body.get("template_id", ""))
            if not to or template is None:
                self._answer(400, _error(400, "ValidationError", "template_id is not valid"))
                return
            values = body.get("personalisation") or {}
            subject, text = (_render(t, values) for t in template)
            notification_id = str(uuid.uuid4())
            state.sent[notification_id] = {
                "id": notification_id,
                "reference": body.get("reference"),
                "type": kind,
                "email_address": to if kind == "email" else None,
                "phone_number": to if kind == "sms" else None,
                "status": "created",
                "body": text,
                "subject": subject or None,
                "template": {"id": body["template_id"], "version": 1, "uri": ""},
            }
            content = (
                {"subject": subject, "body": text, "from_email": "cairn@notify.example"}
                if kind == "email"
                else {"body": text, "from_number": "CAIRN"}
            )
            self._answer(
                201,
                {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "content": content,
                    "uri": f"{state.base_url}/v2/notifications/{notification_id}",
                    "template": {"id": body["template_id"], "version": 1, "uri": ""},
                    "scheduled_for": None,
                },
            )

        def do_GET(self) -> None:
            if not self._authorised():
                return
            state.requests.append(("GET", self.path, b""))
            match = NOTIFICATION_PATH.match(self.path)
            found = state.sent.get(match.group(1)) if match else None
            if found is None:
                self._answer(404, _error(404, "NoResultFound", "No result found"))
                return
            self._answer(200, found)

    return Handler


@pytest.fixture
def notify_server(settings: Any) -> Iterator[FakeNotify]:
    """A local Notify, and Cairn configured to send through it (templates for both)."""
    state = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CAIRN_NOTIFY_API_KEY = API_KEY
    settings.CAIRN_NOTIFY_BASE_URL = state.base_url
    settings.CAIRN_NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Mailbox:
    """aiosmtpd handler: keeps each message; refuses recipients whose address starts with
    `nobody` (550, as a server does for an address that does not exist)."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("nobody"):
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on a local port, with Django's SMTP backend pointed at it."""
    server = SmtpServer(port=free_port(), mailbox=Mailbox())
    server.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=5,
    ):
        try:
            yield server
        finally:
            server.stop()
