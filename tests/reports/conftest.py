"""A small team of its own for the quarterly report, East Hub, built step by step at the dates it records,
so every figure of the fourth quarter of 2026 can be worked out by hand (the numbers are in the tests).

The report's tests run at one pinned moment, NOW, inside that quarter.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.settings import Settings
from tests.conftest import PASSWORD, Person, World, in_db, lasting_api_token

#: Tuesday 1 December 2026, 10:00 UTC: inside the quarter reported on.
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
Q4 = ("2026-10-01", "2026-12-31")


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@dataclass
class East:
    manager: Person
    worker: Person  # Ezra: cases A, B, F
    other: Person  # Esme: cases D, E
    team_id: uuid.UUID
    #: Every name of a child or family member, every case reference and every note or reason typed:
    #: none may appear in any export.
    secrets: list[str] = field(default_factory=list)
    case_ids: dict[str, uuid.UUID] = field(default_factory=dict)


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC)


async def build_east(db: AsyncSession) -> East:
    from courtjourney.accounts import services as accounts
    from courtjourney.accounts.audit import Actor
    from courtjourney.cases import services as cases
    from courtjourney.cases.models import Case, Task
    from courtjourney.contacts import services as contacts
    from courtjourney.debrief import services as debrief
    from courtjourney.hearings import services as hearings
    from courtjourney.threats import services as threats

    team = await accounts.get_or_create_team(db, "East Hub")

    async def person(email: str, name: str, role: str) -> tuple[Any, Person]:
        user = await accounts.create_user(
            db, email=email, full_name=name, password=PASSWORD, role=role, team=team
        )
        token = await lasting_api_token(db, user)
        return user, Person(user.id, email, token)

    manager_user, manager = await person("manager@east.example", "Erin Eastman", "manager")
    ezra_user, ezra = await person("ezra@east.example", "Ezra Eastwood", "worker")
    esme_user, esme = await person("esme@east.example", "Esme Eaves", "worker")
    del manager_user
    east = East(manager, ezra, esme, team.id)
    as_ezra, as_esme = Actor.of(ezra_user), Actor.of(esme_user)
    notes = "Talked it through at the kitchen table"
    east.secrets.append(notes)

    async def open_case(actor: Any, when: dt.datetime, child: str, members: list[tuple[str, str]]) -> Case:
        with time_machine.travel(when):
            case = await cases.open_case(
                db, actor, {"child_name": child, "child_birth_date": dt.date(2012, 1, 2)}, today=when.date()
            )
            for name, relationship in members:
                await cases.add_family_member(
                    db,
                    actor,
                    case,
                    {"name": name, "relationship_to_child": relationship, "preferred_language": "en"},
                )
        east.secrets += [child, case.reference, *(n for n, _r in members)]
        return case

    async def move(actor: Any, case: Case, when: dt.datetime, stage: str, reason: str | None = None) -> None:
        with time_machine.travel(when):
            await cases.move_stage(db, actor, case, stage, reason)
        if reason:
            east.secrets.append(reason)

    # Parents: A's two continue, B's mother is new (the grandparent is not a parent), C's support ended
    # before the quarter, D's began again after more than a year (new), E's within a year (continuing),
    # F's case closed during the quarter (continuing: supported in it).
    a = await open_case(
        as_ezra, at(2026, 5, 10), "Ellie Eastbrook", [("Amy Alder", "mother"), ("Adam Alder", "father")]
    )
    await move(as_ezra, a, at(2026, 6, 1), "disclosure")
    await move(as_ezra, a, at(2026, 10, 15), "investigation")
    await move(as_ezra, a, at(2026, 11, 20), "trial")
    b = await open_case(
        as_ezra, at(2026, 10, 5), "Bobbie Birchwood", [("Bea Birch", "mother"), ("Bill Birch", "grandparent")]
    )
    c = await open_case(as_ezra, at(2026, 3, 1), "Cody Cedarholm", [("Cat Cedar", "mother")])
    await move(as_ezra, c, at(2026, 6, 1), "closed", "Moved out of the area to Cedarvale")
    d = await open_case(as_esme, at(2025, 1, 10), "Dani Dogwoodley", [("Dan Dogwood", "father")])
    await move(as_esme, d, at(2025, 3, 1), "closed", "Support ended at the family's wish, Dogwood")
    await move(as_esme, d, at(2026, 11, 2), "investigation", "A new disclosure at Dogwood school")
    e = await open_case(as_esme, at(2026, 2, 1), "Eden Elmsworth", [("Eve Elm", "carer")])
    await move(as_esme, e, at(2026, 4, 1), "closed", "Paused while Eve Elm was in hospital")
    await move(as_esme, e, at(2026, 10, 20), "disclosure", "Eve Elm asked for support again")
    f = await open_case(as_ezra, at(2026, 9, 1), "Frankie Firholme", [("Fay Fir", "mother")])
    await move(as_ezra, f, at(2026, 10, 10), "closed", "The family moved to Firbank")
    east.case_ids = {"A": a.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id, "F": f.id}

    # Hearings on A: five trials in the quarter and one before it; a mention; changes and telling.
    with time_machine.travel(at(2026, 9, 1)):
        proceeding = await hearings.add_proceeding(
            db,
            as_ezra,
            a,
            {
                "court_name": "Eastport Crown Court",
                "court_town": "Eastport",
                "court_type": "crown",
                "urn": "99EE9999999",
                "defendants": "Defendant Eastgate",
                "status": "active",
            },
        )
    east.secrets += ["99EE9999999", "Defendant Eastgate"]
    court = {"court_name": "Eastport Crown Court", "court_town": "Eastport", "court_address": None}

    async def hearing(
        when: dt.datetime, day: dt.date, kind: str = "trial", told: dt.datetime | None = None
    ) -> Any:
        with time_machine.travel(when):
            return await hearings.add_hearing(
                db,
                as_ezra,
                a,
                {
                    "proceeding_id": proceeding.id,
                    "hearing_type": kind,
                    "listing": "fixed",
                    "date": day,
                    "start_time": dt.time(10, 0),
                    "end_time": None,
                    **court,
                    "known_at": when,
                    "told_at": told,
                },
            )

    async def change(
        h: Any, when: dt.datetime, values: dict[str, Any], told: dt.datetime | None = None
    ) -> None:
        with time_machine.travel(when):
            await hearings.change_hearing(db, as_ezra, a, h, {**values, "known_at": when, "told_at": told})
        east.secrets += [v for k, v in values.items() if k in ("reason", "status_reason")]

    h0 = await hearing(at(2026, 8, 1), dt.date(2026, 9, 10), told=at(2026, 8, 1))
    await change(h0, at(2026, 9, 10, 17), {"status": "completed"}, told=at(2026, 9, 10, 17))
    h1 = await hearing(at(2026, 9, 1), dt.date(2026, 10, 20), told=at(2026, 9, 1))
    await change(h1, at(2026, 10, 20, 17), {"status": "completed"}, told=at(2026, 10, 20, 17))
    h2 = await hearing(at(2026, 9, 1, 11), dt.date(2026, 11, 10), told=at(2026, 9, 1, 11))
    await change(
        h2,
        at(2026, 11, 9, 10),
        {
            "status": "adjourned",
            "status_reason": "No judge free at Eastport",
            "reason": "The court had no judge",
        },
        told=at(2026, 11, 9, 12),
    )
    h3 = await hearing(at(2026, 10, 1, 10), dt.date(2026, 11, 24))
    with time_machine.travel(at(2026, 10, 5, 10)):
        await hearings.record_told(db, as_ezra, a, h3, at(2026, 10, 5, 10))
    await change(
        h3,
        at(2026, 11, 24, 15),
        {
            "status": "ineffective",
            "status_reason": "A witness for Eastgate was ill",
            "reason": "Someone was ill",
        },
        told=at(2026, 11, 24, 15, 30),
    )
    h4 = await hearing(at(2026, 10, 1, 11), dt.date(2026, 12, 15), told=at(2026, 10, 2, 11))
    await change(
        h4,
        at(2026, 11, 30, 9),
        {
            "listing": "fixed",
            "date": dt.date(2026, 12, 16),
            "start_time": dt.time(10, 0),
            "end_time": None,
            "reason": "Moved by a day for the Eastport list",
        },
    )
    await hearing(at(2026, 10, 1, 12), dt.date(2026, 11, 25), told=at(2026, 10, 1, 12))
    await hearing(at(2026, 10, 10, 10), dt.date(2026, 11, 5), kind="mention")

    # Contacts on A: six calls, a home visit, two days at court (one naming a hearing), a try that
    # did not connect; and one call before the quarter.
    async def contact(
        when: dt.datetime, kind: str, minutes: int | None, about: dict[str, Any] | None = None
    ) -> None:
        await contacts.record_contact(
            db,
            as_ezra,
            a,
            {
                "kind": kind,
                "notes": notes if kind != "no_answer" else None,
                "minutes": minutes,
                "at": when,
                "member_ids": [],
                **({"about": about} if about else {}),
            },
        )

    for day in range(6):
        await contact(at(2026, 11, 3 + day), "call", 15)
    await contact(at(2026, 10, 12), "visit_home", 90)
    await contact(at(2026, 10, 20), "court_with_family", 240, {"hearing_id": h1.id})
    await contact(at(2026, 11, 24), "court_with_family", 240)
    await contact(at(2026, 11, 12), "no_answer", None)
    await contact(at(2026, 9, 15), "call", 30)

    # Deadlines after the verdict on A, as their tasks: met, missed twice, one still to come; a reminder,
    # one before the quarter and a task that is no deadline are not counted.
    def task(key: str, due: dt.date, done: dt.datetime | None) -> None:
        db.add(
            Task(case_id=a.id, stage="outcome", playbook_key=key, title="Deadline", due_on=due, done_at=done)
        )

    task("deadline:uls", dt.date(2026, 10, 15), at(2026, 10, 14))
    task("deadline:vrr", dt.date(2026, 10, 20), at(2026, 10, 22))
    task("deadline:appeal_conviction", dt.date(2026, 11, 20), None)
    task("deadline:cics", dt.date(2026, 12, 20), None)
    task("deadline:cics:warn", dt.date(2026, 12, 10), None)
    task("deadline:vcs", dt.date(2026, 9, 30), at(2026, 9, 29))
    task("court_visit", dt.date(2026, 11, 1), None)

    # Outcomes: two convictions, an acquittal, no further action (no date: counted when recorded), a hung
    # jury; a decision before the quarter is not counted.
    for result, day in (
        ("convicted", dt.date(2026, 10, 5)),
        ("guilty_plea", dt.date(2026, 11, 1)),
        ("acquitted", dt.date(2026, 11, 15)),
        ("hung_jury", dt.date(2026, 12, 1)),
        ("discontinued", dt.date(2026, 9, 1)),
    ):
        await debrief.add_outcome(
            db,
            as_ezra,
            a,
            {
                "proceeding_id": proceeding.id,
                "result": result,
                "decided_on": day,
                "defendant": "Defendant Eastgate",
            },
        )
    with time_machine.travel(at(2026, 11, 3)):
        await debrief.add_outcome(db, as_ezra, b, {"result": "no_further_action"})

    # Incidents on A: three in the quarter (one amended from damage to assault, one with no kind), one before.
    async def incident(when: dt.datetime, kind: str | None, story: str) -> Any:
        east.secrets.append(story)
        with time_machine.travel(when):
            return await threats.record_incident(
                db,
                as_ezra,
                a,
                {"narrative": story, "occurred_from": when - dt.timedelta(hours=2), "kind": kind},
            )

    old = await incident(at(2026, 9, 20), "threat_in_person", "A man at the Eastgate bus stop")
    await incident(at(2026, 10, 12), "phone_call", "Calls from a withheld number")
    damaged = await incident(at(2026, 11, 3), "damage", "The car window at Alder Road")
    with time_machine.travel(at(2026, 11, 4)):
        await threats.amend_incident(
            db, as_ezra, a, damaged, {"note": "It was an assault, not damage", "kind": "assault"}
        )
        await threats.pass_to_police(
            db, as_ezra, a, [damaged.id], {"passed_on": dt.date(2026, 11, 4), "passed_by": "worker"}
        )
    with time_machine.travel(at(2026, 11, 5)):
        await threats.pass_to_police(
            db, as_ezra, a, [damaged.id], {"passed_on": dt.date(2026, 11, 5), "passed_by": "family"}
        )
    await incident(at(2026, 11, 20), None, "Someone watched the house on Alder Road")
    with time_machine.travel(at(2026, 10, 1)):
        await threats.pass_to_police(
            db, as_ezra, a, [old.id], {"passed_on": dt.date(2026, 10, 1), "passed_by": "family"}
        )
    east.secrets.append("It was an assault, not damage")
    return east


@pytest.fixture
def east(settings: Settings, world: World) -> East:
    """East Hub beside the small world of tests/conftest.py (North and South Hub, whose figures must not leak in)."""
    return in_db(settings, build_east)
