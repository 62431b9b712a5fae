"""A fictional team and caseload for trying courtjourney out. Every name here is made up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import services as accounts
from courtjourney.accounts.models import Role, User
from courtjourney.cases import services as cases
from courtjourney.cases.models import Case
from courtjourney.i18n import LONDON
from courtjourney.threats import services as threats

DEMO_LOGINS: tuple[tuple[str, str, str], ...] = (
    ("worker@demo.example", "demo-worker-2026", "IPSW, Demo North Hub (sees her own cases)"),
    ("manager@demo.example", "demo-manager-2026", "manager, Demo North Hub (sees the team's cases)"),
    ("admin@demo.example", "demo-admin-2026", "admin (manages accounts; no case contents)"),
    ("other.worker@demo.example", "demo-other-2026", "IPSW, Demo South Hub (cannot see North's cases)"),
)

# (child, birth date, family, stage path, risk, contacts); every one obviously fictional.
FAMILIES = (
    {
        "child": "Robin Example",
        "born": dt.date(2011, 5, 14),
        "family": [("Sam Example", "mother", "en", True), ("Alex Example", "father", "en", False)],
        "path": [("disclosure", None), ("investigation", None), ("trial", None)],
        "risk": "high",
        "contacts": [("officer_in_case", "DC Pat Placeholder", "Demo Constabulary", "01632 960001"),
                     ("witness_care", "Jo Sample", "Demo Witness Care Unit", "01632 960002")],
    },
    {
        "child": "Kit Specimen",
        "born": dt.date(2012, 9, 2),
        "family": [("Morgan Specimen", "mother", "cy", True)],
        "path": [("disclosure", None), ("investigation", None)],
        "risk": "medium",
        "contacts": [("csw", "Lee Sample", "Demo Child Support Service", "01632 960003")],
    },
    {
        "child": "Jessie Demo",
        "born": dt.date(2010, 1, 20),
        "family": [("Chris Demo", "carer", "en", True), ("Taylor Demo", "sibling", "en", False)],
        "path": [("disclosure", None), ("investigation", None), ("trial", None), ("outcome", None), ("post_trial", None)],
        "risk": "low",
        "contacts": [("isva", "Drew Sample", "Demo ISVA Service", "01632 960004")],
    },
    {
        "child": "Ashley Fictional",
        "born": dt.date(2013, 11, 8),
        "family": [("Jordan Fictional", "father", "en", False)],
        "path": [],
        "risk": "medium",
        "contacts": [],
    },
)


async def load_demo(db: AsyncSession, *, only_if_empty: bool = True) -> bool:
    """Create the demo team, logins and caseload. Returns False if there was already data."""
    if only_if_empty and await db.scalar(select(func.count()).select_from(Case)):
        return False
    if await db.scalar(select(User.id).where(User.email == DEMO_LOGINS[0][0])):
        return False
    north = await accounts.get_or_create_team(db, "Demo North Hub")
    south = await accounts.get_or_create_team(db, "Demo South Hub")
    (w_email, w_pw, _), (m_email, m_pw, _), (a_email, a_pw, _), (o_email, o_pw, _) = DEMO_LOGINS
    worker = await accounts.create_user(db, email=w_email, full_name="Bea Worker (demo)", password=w_pw, role=Role.WORKER.value, team=north)
    await accounts.create_user(db, email=m_email, full_name="Mo Manager (demo)", password=m_pw, role=Role.MANAGER.value, team=north)
    await accounts.create_user(db, email=a_email, full_name="Ada Admin (demo)", password=a_pw, role=Role.ADMIN.value)
    other = await accounts.create_user(db, email=o_email, full_name="Sol Worker (demo)", password=o_pw, role=Role.WORKER.value, team=south)

    today = dt.date.today()
    first_case = None
    for index, spec in enumerate(FAMILIES):
        owner = other if index == len(FAMILIES) - 1 else worker
        steps = len(spec["path"])
        opened = dt.datetime.now(dt.UTC) - dt.timedelta(days=45 * (steps + 1))
        case = await cases.open_case(db, owner, {"child_name": spec["child"], "child_birth_date": spec["born"]}, opened_at=opened)
        for name, relationship, language, witness in spec["family"]:
            await cases.add_family_member(db, case, owner, {
                "name": name, "relationship_to_child": relationship, "preferred_language": language,
                "safe_contact": "Text first. Calls after 6pm are fine.", "access_needs": None, "is_witness": witness,
            })
        for role, name, organisation, phone in spec["contacts"]:
            await cases.add_contact(db, case, owner, {"role": role, "name": name, "organisation": organisation, "phone": phone, "email": None})
        await cases.add_risk_assessment(db, case, owner, {"level": spec["risk"], "assessed_on": today - dt.timedelta(days=30), "notes": None})
        await cases.add_consent(db, case, owner, {
            "organisation": "Demo Constabulary", "purpose": "Share what the family notices with the investigation team.",
            "given_by": spec["family"][0][0], "given_on": today - dt.timedelta(days=28),
        })
        # Spread the journey over the past months, and tick off the work of stages already left.
        for step, (stage, reason) in enumerate(spec["path"]):
            for task in await cases.tasks_for(db, case.id):
                if task.done_at is None:
                    await cases.update_task(db, case, task, owner, {"done": True})
            at = dt.datetime.now(dt.UTC) - dt.timedelta(days=45 * (steps - step))
            await cases.move_stage(db, case, owner, stage, reason, at=at)
        first_case = first_case or case
    if first_case is not None:
        await add_demo_incidents(db, first_case, worker)
    return True


def _days_ago(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = dt.datetime.now(LONDON).date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


async def add_demo_incidents(db: AsyncSession, case: Case, worker: User) -> None:
    """A few fictional incidents on one case: three within two weeks (so the prompt shows), one
    corrected by an amendment, two passed to the police."""
    mother = next(m for m in await cases.family_for(db, case.id) if m.relationship_to_child == "mother")
    made = []
    for values in (
        {"occurred_from": _days_ago(40, 15, 30), "occurred_to": _days_ago(40, 17, 30), "kind": "followed_watched",
         "narrative": "A silver car was parked across the road from the house for about two hours. "
                      "The same car drove past slowly when Robin came home from school.",
         "place": "Outside the family home", "people": "The driver: a young man in a dark hoodie.",
         "identifiers": {"vehicle": ["DE70 DMO"]}, "how_known": "saw_heard", "reported_by_member_id": mother.id,
         "evidence_kept": "Sam wrote the registration in her notebook."},
        {"occurred_from": _days_ago(12, 21), "occurred_to": _days_ago(12, 23, 30), "kind": "messages_online",
         "narrative": "Several comments under a family photo said the family should keep quiet.",
         "identifiers": {"username": ["demo_account_123"]}, "how_known": "screenshot_photo", "reported_by_member_id": mother.id,
         "evidence_kept": "Screenshots on Sam's phone. The comments have not been deleted."},
        {"occurred_from": _days_ago(9, 19, 10), "kind": "phone_call",
         "narrative": "A call to the house phone from a withheld number. The caller asked if Robin was going to court, then hung up.",
         "how_known": "saw_heard", "reported_by_member_id": mother.id},
        {"occurred_from": _days_ago(5, 16), "kind": "approach_sibling",
         "narrative": "A young man stopped Robin's younger brother outside the shop and asked where Robin was staying.",
         "place": "The corner shop near the school", "how_known": "told",
         "how_known_detail": "Robin's brother told his father the same evening."},
    ):
        made.append(await threats.record_incident(db, case, worker, values))
    await threats.amend_incident(db, case, worker, made[2].id, {
        "note": "Sam checked the phone bill: the call came at 19:40, not 19:10.", "occurred_from": _days_ago(9, 19, 40),
        "identifiers": {"phone": ["withheld"]}})
    await threats.pass_to_police(db, case, worker, [made[0].id, made[1].id], {
        "passed_on": dt.datetime.now(LONDON).date() - dt.timedelta(days=4), "passed_by": "worker",
        "crime_reference": "DEMO/0001/26", "officer": "DC Pat Placeholder"})
