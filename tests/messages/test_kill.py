"""kill -9 of `courtjourney serve` while its dispatcher is sending, then a restart: every due message
reaches the real SMTP server exactly once (counted, by Message-ID)."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.messages.conftest import Mailbox
from tests.served import Served, prepared

N = 30


def _queue(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """N messages due now to the demo mother, written straight into the outbox (as a hearing change would)."""
    for key, value in env.items():
        if key.startswith("COURTJOURNEY_"):
            monkeypatch.setenv(key, value)
    from courtjourney import settings as settings_module

    settings_module.use_settings(None)
    settings = settings_module.get_settings()
    from sqlalchemy import select, update
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.cases.models import Case
    from courtjourney.db.base import utcnow
    from courtjourney.db.engine import make_engine
    from courtjourney.messages import services
    from courtjourney.messages.models import MemberReach, OutboxMessage

    async def work() -> None:
        engine = make_engine(settings)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
                # Only these N are due: the demo's own notice waits for the mother's safe time, so it is set aside.
                await db.execute(update(OutboxMessage).values(status="cancelled"))
                reach = await db.scalar(select(MemberReach))
                assert reach is not None and reach.email
                case = await db.get(Case, reach.case_id)
                for n in range(N):
                    db.add(
                        services._new_message(
                            case=case, member_id=reach.member_id, channel="email", to=reach.email, body=f"Message {n}",
                            kind="written", language="en", due_at=utcnow(), urgent=False, actor=SYSTEM, subject="A message",
                            with_link=False,
                        )
                    )
        finally:
            await engine.dispose()

    asyncio.run(work())
    settings_module.use_settings(None)


def _wait(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_kill_mid_send_then_a_restart_delivers_every_message_exactly_once(
    tmp_path: Path, smtp_server: tuple[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, box = smtp_server
    env = prepared(
        tmp_path,
        COURTJOURNEY_SMTP_URL=url,
        COURTJOURNEY_MAIL_FROM="support@north.example",
        COURTJOURNEY_DISPATCH_SECONDS="1",
        COURTJOURNEY_MESSAGE_LEASE_SECONDS="3",
    )
    _queue(env, monkeypatch)
    box.hold = threading.Event()
    box.hold.set()  # the first message the server sends is caught mid-conversation
    server = Served(env, tmp_path / "serve.log").start()
    try:
        _wait(lambda: box.held >= 1, 60, "the dispatcher never started sending")
        server.kill()  # kill -9: the master and its worker, mid-send
        box.hold.clear()
        time.sleep(0.5)
        assert box.received == []  # the message caught at RCPT was never accepted
        server = Served(env, tmp_path / "serve.log").start()
        _wait(lambda: len(box.received) >= N, 90, f"only {len(box.received)} of {N} arrived after the restart")
        time.sleep(2.5)  # a pass or two more: nothing else may arrive
    finally:
        server.stop()
    ids = box.message_ids()
    assert len(ids) == N and len(set(ids)) == N
    bodies = sorted(m.get_payload(decode=True).decode().strip() for m in box.received)
    assert bodies == sorted(f"Message {n}" for n in range(N))
    log = server.log()
    assert "Message 1" not in log and "mother.demo@example.org" not in log  # no texts or addresses in the log
