"""Benchmark: producing a parent briefing and a Witness Service pack, against docxtpl alone.

    .venv/bin/python bench/documents.py [--hearings 30] [--incidents 100] [--runs 15]

A case with 30 hearings and 100 intimidation incidents (made through the services, on a temporary SQLite
database). For each document it times our whole path (query the case, build the context, render in a
thread, make it accessible, store it encrypted with its SHA-256) and, as the floor in the same run,
docxtpl alone rendering the same template with the same context and saving it. Prints medians and the
ratio to the floor. Asserts nothing; not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def configure(tmp: Path) -> Any:
    os.environ.update({
        "COURTJOURNEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'bench.db'}",
        "COURTJOURNEY_SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "COURTJOURNEY_KEY_FILE": str(tmp / "secret.key"),
    })
    from courtjourney import settings as settings_module
    from courtjourney.migrations import upgrade

    settings_module.use_settings(None)  # read the environment just set
    settings = settings_module.get_settings()
    upgrade(settings)
    return settings


async def make_case(db: Any, n_hearings: int, n_incidents: int) -> tuple[Any, Any, Any]:
    from courtjourney.accounts import services as accounts
    from courtjourney.accounts.audit import Actor
    from courtjourney.cases import services as cases
    from courtjourney.accounts.audit import Actor
    from courtjourney.hearings import services as hearings
    from courtjourney.accounts.audit import Actor
    from courtjourney.threats import services as threats

    team = await accounts.get_or_create_team(db, "Bench Hub")
    worker = await accounts.create_user(db, email="bench@example.org", full_name="Bench Worker", password="bench-password-1",
                                        role="worker", team=team)
    case = await cases.open_case(db, Actor.of(worker), {"child_name": "Bench Child", "child_birth_date": dt.date(2012, 5, 1)})
    parent = await cases.add_family_member(db, Actor.of(worker), case, {"name": "Bench Parent", "relationship_to_child": "mother",
                                                              "preferred_language": "en", "is_witness": True})
    await cases.add_consent(db, Actor.of(worker), case, {"organisation_kind": "witness_service", "organisation": "Witness Service",
                                               "purpose": "Court support",
                                               "given_by": "Bench Parent", "given_on": dt.date(2026, 1, 5)})
    court = {"court_name": "Benchtown Crown Court", "court_town": "Benchtown", "court_address": "1 Bench Row, Benchtown"}
    proceeding = await hearings.add_proceeding(db, Actor.of(worker), case, {**court, "court_type": "crown", "status": "active"})
    for measure in ("video_evidence", "live_link", "screens"):
        await hearings.add_measure(db, Actor.of(worker), case, {"measure": measure, "status": "granted"})
    start = dt.date(2027, 1, 4)
    trial = None
    for n in range(n_hearings):
        kind = "trial" if n == n_hearings - 1 else ("mention" if n % 3 else "ptph")
        hearing = await hearings.add_hearing(db, Actor.of(worker), case, {
            "proceeding_id": proceeding.id, "hearing_type": kind, "listing": "fixed", "date": start + dt.timedelta(days=7 * n),
            "start_time": dt.time(10, 0), **court, "arrival_notes": "Side entrance; the Witness Service meets you."})
        await hearings.set_attendance(db, Actor.of(worker), case, hearing, {parent.id: "needed"})
        trial = hearing
    first = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
    for n in range(n_incidents):
        await threats.record_incident(db, Actor.of(worker), case, {
            "narrative": f"Bench incident {n}: a car waited outside the house.", "occurred_from": first + dt.timedelta(days=3 * n, hours=n % 9),
            "kind": "followed_watched", "how_known": "saw_heard"})
    return case, trial, worker


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def run(args: argparse.Namespace, settings: Any) -> list[list[str]]:
    from docxtpl import DocxTemplate
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from courtjourney.db.engine import make_engine
    from courtjourney.documents import engine as docs
    from courtjourney.accounts.audit import Actor
    from courtjourney.hearings import briefings, services
    from courtjourney.hearings.models import Proceeding
    from courtjourney.threats.services import summary_for_witness_pack

    engine = make_engine(settings)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as db, db.begin():
        case_, trial, worker = await make_case(db, args.hearings, args.incidents)
    ids = (case_.id, trial.id, worker.id)

    async def ours(kind: str) -> float:
        from courtjourney.accounts.models import User
        from courtjourney.cases.models import Case
        from courtjourney.hearings.models import Hearing

        began = time.perf_counter()
        async with maker() as db, db.begin():
            case, hearing, user = await db.get(Case, ids[0]), await db.get(Hearing, ids[1]), await db.get(User, ids[2])
            if kind == "briefing":
                await services.make_briefings(db, Actor.of(user), case, hearing)
            else:
                await services.make_witness_pack(db, Actor.of(user), case, hearing, {"separate_entrance": True, "include_narratives": True},
                                                 incidents=summary_for_witness_pack)
        return time.perf_counter() - began

    async def contexts() -> dict[str, dict[str, Any]]:
        from courtjourney.accounts.models import User
        from courtjourney.cases.models import Case, FamilyMember
        from courtjourney.hearings.models import Hearing

        async with maker() as db, db.begin():
            case, hearing, user = await db.get(Case, ids[0]), await db.get(Hearing, ids[1]), await db.get(User, ids[2])
            members = await services.attendance_for(db, hearing.id)
            member = await db.get(FamilyMember, next(iter(members)))
            proceeding = await db.get(Proceeding, hearing.proceeding_id)
            measures = await services.measures_for(db, case.id)
            briefing, _lang, _title = briefings.briefing_context(case, hearing, member, user, measures, proceeding.court_type)
            incidents = await summary_for_witness_pack(db, case.id, include_narratives=True)
            pack, _t = briefings.witness_pack_context(case, hearing, [(member, "needed")], measures, user, {"separate_entrance": True},
                                                      incidents, dt.date.today())
        return {"briefing": briefing, "pack": pack}

    ctx = await contexts()

    def docxtpl_alone(template: str, context: dict[str, Any]) -> float:
        began = time.perf_counter()
        tpl = DocxTemplate(docs.template_path(template))
        tpl.render(context, docs.jinja_env(), autoescape=True)
        tpl.save(io.BytesIO())
        return time.perf_counter() - began

    rows = []
    for label, kind, template, context in (("parent briefing", "briefing", "parent_briefing", ctx["briefing"]),
                                           ("Witness Service pack", "pack", "witness_pack", ctx["pack"])):
        await ours(kind)  # warm-up
        docxtpl_alone(template, context)
        floor, full = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine
            floor.append(docxtpl_alone(template, context))
            full.append(await ours(kind))
        rows.append([label, f"{median_ms(floor):.1f}", f"{median_ms(full):.1f}", f"{median_ms(full) / median_ms(floor):.2f}"])
    await engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hearings", type=int, default=30)
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cj-bench-docs-") as tmp:
        settings = configure(Path(tmp))
        rows = asyncio.run(run(args, settings))
    print(f"courtjourney documents benchmark: one case, {args.hearings} hearings, {args.incidents} incidents, "
          f"median of {args.runs} (SQLite, load average {os.getloadavg()[0]:.1f})")
    header = ["document", "docxtpl alone ms", "courtjourney ms", "ratio"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  " + "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
    print("  courtjourney = load the case, build the context, render in a thread, make accessible, store encrypted with SHA-256")


if __name__ == "__main__":
    main()
