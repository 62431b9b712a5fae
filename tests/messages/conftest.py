"""Real peers for the messages tests: an SMTP server (aiosmtpd) that keeps what it receives, and a small
HTTP server speaking the GOV.UK Notify API operations our client calls, checking its JWT (Notify is the
one boundary we cannot run here). Both run in threads of their own, on free ports."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import time_machine
from aiosmtpd.controller import Controller

from tests.served import free_port

#: A Tuesday 10:00 UK time, after the small world was built and within anyone's safe times.
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pinned_clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=True) as clock:
        yield clock


@dataclass
class Mailbox:
    received: list[Message] = field(default_factory=list)
    refuse_rcpt: set[str] = field(default_factory=set)
    #: While set, RCPT waits: a sender caught mid-conversation (the kill -9 test) never completes DATA.
    hold: threading.Event | None = None
    held: int = 0  # senders caught waiting at RCPT

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 No such mailbox"
        if self.hold is not None and self.hold.is_set():
            self.held += 1
            import asyncio

            while self.hold.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, Mailbox]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", box
    finally:
        controller.stop()


SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"courtjourney_test-{SERVICE_ID}-{SECRET}"


@dataclass
class NotifyStandIn:
    url: str
    sent: list[dict[str, Any]] = field(default_factory=list)
    bad_tokens: int = 0


def _handler(state: NotifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            return

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
            except jwt.PyJWTError:
                claims = {}
            if claims.get("iss") != SERVICE_ID or abs(time.time() - float(claims.get("iat", 0))) > 30:
                state.bad_tokens += 1
                self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}], "status_code": 403})
                return False
            return True

        def _answer(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if not self._authorised():
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            kind = self.path.rsplit("/", 1)[-1]
            if kind == "sms" and not str(body.get("phone_number", "")).startswith("+447"):
                self._answer(400, {"errors": [{"error": "ValidationError", "message": "phone_number Not a UK mobile number"}], "status_code": 400})
                return
            notification = {"id": str(uuid.uuid4()), "type": kind, "reference": body.get("reference"), **body}
            state.sent.append(notification)
            self._answer(201, {"id": notification["id"], "reference": body.get("reference"), "content": {}, "uri": "", "template": {}})

        def do_GET(self) -> None:
            if not self._authorised():
                return
            from urllib.parse import parse_qs, urlsplit

            query = parse_qs(urlsplit(self.path).query)
            ref = (query.get("reference") or [None])[0]
            found = [n for n in state.sent if ref is None or n["reference"] == ref]
            self._answer(200, {"notifications": found, "links": {}})

    return Handler


@pytest.fixture
def notify_server() -> Iterator[NotifyStandIn]:
    port = free_port()
    state = NotifyStandIn(url=f"http://127.0.0.1:{port}")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
