"""Benchmark: what messages cost (issue 16).

    .venv/bin/python bench/messages.py [--changes 200] [--emails 500]

1. A hearing change with the family's notice written to the outbox, against the same change made without
   messages at all (the floor: change_hearing with no hook), in the same run: each is a whole transaction (lock, change, history, audit, commit)
   on a temporary SQLite database. The aim: no more than 1.1x.
2. The dispatcher sending queued emails to a real local SMTP server (aiosmtpd, in another process so the
   sender has its own core), as emails a second; the floor is aiosmtplib alone sending the same number of
   messages over one connection. The aim: at least 50 a second.
Prints medians and ratios. Asserts nothing; not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SMTP_SERVER = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"""


def configure(tmp: Path) -> Any:
    os.environ.update({
        "COURTJOURNEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'bench.db'}",
        "COURTJOURNEY_SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "COURTJOURNEY_KEY_FILE": str(tmp / "secret.key"),
    })
    from courtjourney import settings as settings_module
    from courtjourney.migrations import upgrade

    settings_module.use_settings(None)
    settings = settings_module.get_settings()
    upgrade(settings)
    return settings


async def world(db: Any, *, reach: bool) -> tuple[Any, Any, Any]:
    from courtjourney.accounts import services as accounts
    from courtjourney.accounts.audit import Actor
    from courtjourney.cases import services as cases
    from courtjourney.hearings import services as hearings
    from courtjourney.messages import services as messages

    team = await accounts.get_or_create_team(db, "Bench Hub")
    email = f"bench-{secrets.token_hex(4)}@example.org"
    worker = await accounts.create_user(db, email=email, full_name="Bench Worker", password="bench-password-1", role="worker", team=team)
    actor = Actor.of(worker)
    case = await cases.open_case(db, actor, {"child_name": "Bench Child", "child_birth_date": dt.date(2012, 5, 1)})
    parent = await cases.add_family_member(db, actor, case, {"name": "Bench Parent", "relationship_to_child": "mother",
                                                             "preferred_language": "en", "is_witness": True})
    proceeding = await hearings.add_proceeding(db, actor, case, {"court_name": "Bench Crown Court", "court_town": "Benchton",
                                                                  "court_type": "crown", "status": "active"})
    hearing = await hearings.add_hearing(db, actor, case, {
        "proceeding_id": proceeding.id, "hearing_type": "trial", "listing": "fixed", "date": dt.date.today() + dt.timedelta(days=60),
        "start_time": dt.time(10, 0), "end_time": None, "court_name": "Bench Crown Court", "court_town": "Benchton"})
    await hearings.set_attendance(db, actor, case, hearing, {parent.id: "needed"})
    if reach:
        await messages.set_reach(db, actor, case, parent, {
            "email": "parent@example.org", "email_agreed": True, "email_safe": True, "safe_from": dt.time(7, 0),
            "safe_until": dt.time(21, 0), "weekends": True, "discretion": "discreet"})
    return actor, case.id, hearing.id


async def time_changes(maker: Any, actor: Any, case_id: Any, hearing_id: Any, n: int, *, tell: bool = True) -> list[float]:
    from courtjourney.cases.models import Case
    from courtjourney.hearings import services as hearings
    from courtjourney.hearings.models import Hearing
    from courtjourney.messages.services import hearing_changed

    times = []
    for i in range(n):
        start = time.perf_counter()
        async with maker() as db, db.begin():
            case = await db.get(Case, case_id)
            hearing = await db.get(Hearing, hearing_id)
            await hearings.change_and_tell(db, actor, case, hearing, {"courtroom": f"Room {i}"}, hearing_changed if tell else None)
            await hearings.change_and_tell(db, actor, case, hearing, {"courtroom": f"Room {i}b", "court_town": "Benchton" if i % 2 else "Benchville"}, hearing_changed if tell else None)
        times.append(time.perf_counter() - start)
    return times


async def main(args: argparse.Namespace, settings: Any) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from courtjourney.db.engine import make_engine
    from courtjourney.messages import dispatch

    if True:
        engine = make_engine(settings)
        maker = async_sessionmaker(engine, expire_on_commit=False)
        async with maker() as db, db.begin():
            quiet = await world(db, reach=False)
            told = await world(db, reach=True)
        await time_changes(maker, *quiet, 10)  # warm up
        await time_changes(maker, *told, 10)
        floor, with_notice = [], []
        for _ in range(args.changes // 10):  # interleaved, so a busy moment hits both
            floor += await time_changes(maker, *quiet, 10, tell=False)
            with_notice += await time_changes(maker, *told, 10)
        f, w = statistics.median(floor), statistics.median(with_notice)
        print(f"hearing change (two changes, one transaction), median ms: without messages {f * 1000:.2f}, "
              f"with the family's notices {w * 1000:.2f}, ratio {w / f:.3f} (aim <= 1.1)")

        from tests.served import free_port

        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SMTP_SERVER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        try:
            import dataclasses

            from courtjourney import settings as settings_module
            from courtjourney.accounts.audit import Actor  # noqa: F401
            from courtjourney.cases.models import Case
            from courtjourney.messages import services as messages

            smtp = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="bench@example.org")
            settings_module.use_settings(smtp)
            async with maker() as db, db.begin():
                case = await db.get(Case, told[1])
                member_id = await _member(db, told[1])
                for i in range(args.emails):
                    await messages.write_message(db, told[0], case, {"member_id": member_id, "text": f"Bench message {i}"})
            start = time.perf_counter()
            sent = 0
            while True:
                done = await dispatch.send_due(maker, smtp, limit=200)
                sent += done.sent
                if not done.claimed:
                    break
            ours = time.perf_counter() - start
            import aiosmtplib
            from email.message import EmailMessage

            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
            await client.connect()
            start = time.perf_counter()
            for i in range(args.emails):
                mail = EmailMessage()
                mail["From"], mail["To"], mail["Subject"] = "bench@example.org", "parent@example.org", "A message"
                mail.set_content(f"Bench message {i}")
                await client.send_message(mail)
            bare = time.perf_counter() - start
            await client.quit()
            print(f"dispatcher: {sent} emails in {ours:.2f} s = {sent / ours:.0f} a second (aim >= 50); "
                  f"aiosmtplib alone: {args.emails / bare:.0f} a second; ratio of time {ours / bare:.2f}")
        finally:
            server.communicate("")
        await engine.dispose()


async def _member(db: Any, case_id: Any) -> Any:
    from sqlalchemy import select

    from courtjourney.cases.models import FamilyMember

    return await db.scalar(select(FamilyMember.id).where(FamilyMember.case_id == case_id))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--emails", type=int, default=500)
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main(parser.parse_args(), configure(Path(tmp))))
