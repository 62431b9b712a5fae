"""A fictional team and caseload for trying courtjourney out. Every name here is made up."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import services as accounts
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, Team, User
from courtjourney.cases import services as cases
from courtjourney.cases.models import Case
from courtjourney.debrief import services as debrief
from courtjourney.documents import store
from courtjourney.hearings import services as hearings
from courtjourney.hearings.models import Hearing
from courtjourney.i18n import LONDON
from courtjourney.messages import services as messages
from courtjourney.threats import services as threats

DEMO_LOGINS: tuple[tuple[str, str, str], ...] = (
    ("worker@demo.example", "demo-worker-2026", "IPSW, Demo North Hub (sees her own cases)"),
    ("manager@demo.example", "demo-manager-2026", "manager, Demo North Hub (sees the team's cases)"),
    ("admin@demo.example", "demo-admin-2026", "admin (manages accounts; no case contents)"),
    ("other.worker@demo.example", "demo-other-2026", "IPSW, Demo South Hub (cannot see North's cases)"),
)


class Family(TypedDict):
    """One demo family: every one obviously fictional."""

    child: str
    born: dt.date
    family: list[tuple[str, str, str, bool]]  # name, relationship, language, witness
    path: list[tuple[str, str | None]]  # stages moved to, with the reason a move needs
    risk: str
    contacts: list[tuple[str, str, str, str]]  # role, name, organisation, phone


FAMILIES: tuple[Family, ...] = (
    {
        "child": "Robin Example",
        "born": dt.date(2011, 5, 14),
        "family": [("Sam Example", "mother", "en", True), ("Alex Example", "father", "en", False)],
        "path": [("disclosure", None), ("investigation", None), ("trial", None)],
        "risk": "high",
        "contacts": [
            ("officer_in_case", "DC Pat Placeholder", "Demo Constabulary", "01632 960001"),
            ("witness_care", "Jo Sample", "Demo Witness Care Unit", "01632 960002"),
        ],
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
        "path": [
            ("disclosure", None),
            ("investigation", None),
            ("trial", None),
            ("outcome", None),
            ("post_trial", None),
        ],
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


async def load_demo(db: AsyncSession, *, only_if_empty: bool = True) -> str | None:
    """Create the demo team, logins, caseload and hearings. Returns one demo parent's calendar token
    (shown this once), or None if there was already data."""
    if only_if_empty and await db.scalar(select(func.count()).select_from(Case)):
        return None
    if await db.scalar(select(User.id).where(User.email == DEMO_LOGINS[0][0])):
        return None
    north = await accounts.get_or_create_team(db, "Demo North Hub")
    south = await accounts.get_or_create_team(db, "Demo South Hub")
    (w_email, w_pw, _), (m_email, m_pw, _), (a_email, a_pw, _), (o_email, o_pw, _) = DEMO_LOGINS
    worker = await accounts.create_user(
        db, email=w_email, full_name="Bea Worker (demo)", password=w_pw, role=Role.WORKER.value, team=north
    )
    manager = await accounts.create_user(
        db, email=m_email, full_name="Mo Manager (demo)", password=m_pw, role=Role.MANAGER.value, team=north
    )
    await accounts.create_user(
        db, email=a_email, full_name="Ada Admin (demo)", password=a_pw, role=Role.ADMIN.value
    )
    other = await accounts.create_user(
        db, email=o_email, full_name="Sol Worker (demo)", password=o_pw, role=Role.WORKER.value, team=south
    )

    today = dt.date.today()
    made = []
    for index, spec in enumerate(FAMILIES):
        owner = other if index == len(FAMILIES) - 1 else worker
        steps = len(spec["path"])
        opened = dt.datetime.now(dt.UTC) - dt.timedelta(days=45 * (steps + 1))
        case = await cases.open_case(
            db,
            Actor.of(owner),
            {"child_name": spec["child"], "child_birth_date": spec["born"]},
            opened_at=opened,
        )
        for name, relationship, language, witness in spec["family"]:
            await cases.add_family_member(
                db,
                Actor.of(owner),
                case,
                {
                    "name": name,
                    "relationship_to_child": relationship,
                    "preferred_language": language,
                    "safe_contact": "Text first. Calls after 6pm are fine.",
                    "access_needs": None,
                    "is_witness": witness,
                },
            )
        for role, name, organisation, phone in spec["contacts"]:
            await cases.add_contact(
                db,
                Actor.of(owner),
                case,
                {"role": role, "name": name, "organisation": organisation, "phone": phone, "email": None},
            )
        if index == 0:
            # Corrections keep what a record said before: the mother's safe times were taken down wrong, and
            # the police officer on the case moved to another station.
            member = (await cases.family_for(db, case.id))[0]
            await cases.correct(
                db, Actor.of(owner), case, member, {"safe_contact": "Text first. Calls after 7pm are fine."}
            )
            officer = (await cases.contacts_for(db, case.id))[0]
            await cases.correct_contact(
                db, Actor.of(owner), case, officer, {"organisation": "Demo Constabulary, Eastgate station"}
            )
        await cases.add_risk_assessment(
            db,
            Actor.of(owner),
            case,
            {"level": spec["risk"], "assessed_on": today - dt.timedelta(days=30), "notes": None},
        )
        await cases.add_consent(
            db,
            Actor.of(owner),
            case,
            {
                "organisation_kind": "police",
                "organisation": "Demo Constabulary",
                "purpose": "Share what the family notices with the investigation team.",
                "given_by": spec["family"][0][0],
                "given_on": today - dt.timedelta(days=28),
            },
        )
        # Spread the journey over the past months, and tick off the work of stages already left.
        for step, (stage, reason) in enumerate(spec["path"]):
            for task in await cases.tasks_for(db, case.id):
                if task.done_at is None:
                    await cases.update_task(db, Actor.of(owner), case, task, {"done": True})
            at = dt.datetime.now(dt.UTC) - dt.timedelta(days=45 * (steps - step))
            await cases.move_stage(db, Actor.of(owner), case, stage, reason, at=at)
        made.append((case, owner))
    await add_demo_glossary(db, manager)
    await add_demo_incidents(db, *made[0])
    token = await _demo_hearings(db, *made[0])
    await _demo_not_prosecuted(db, *made[1])
    await _demo_sentenced(db, *made[2])
    await add_demo_contacts(db, *made[0])
    colleague = await add_demo_referrals(db, north, manager, worker)
    # Bea asked Jude to cover the second family's court visit: two people on one case (either can be taken off).
    await cases.assign_worker(db, Actor.of(worker), made[1][0], {"worker_id": colleague.id})
    await add_demo_report(db, made, manager)
    await add_demo_outcomes(db, made, north)
    return token


async def add_demo_glossary(db: AsyncSession, manager: User) -> None:
    """One of the North hub's own glossary words, which only North's families see."""
    from courtjourney.glossary import services as glossary

    await glossary.add_local(
        db,
        Actor.of(manager),
        {
            "locale": "en",
            "term": "Court 3",
            "aliases": ["the annexe"],
            "definition": "The small court room at the back of the building, up the side stairs.",
            "for_you": "Ask the usher at the front desk to show you the way. There is a lift.",
            "stages": ["trial"],
            "source": "",
        },
    )


async def add_demo_report(db: AsyncSession, made: list[tuple[Case, User]], manager: User) -> None:
    """What the quarterly report needs besides: a day at court with the first family, a deadline after the
    verdict met, and last quarter's report submitted by the manager (so the list of submitted reports has one)."""
    from courtjourney.contacts import services as contacts
    from courtjourney.reports import periods
    from courtjourney.reports import services as reports
    from courtjourney.reports.scope import scope_for

    now = dt.datetime.now(dt.UTC)
    quarter = periods.quarter_of(now.astimezone(LONDON).date())
    start = dt.datetime.combine(quarter.start, dt.time(9), tzinfo=LONDON)
    case, worker = made[0]
    await contacts.record_contact(
        db,
        Actor.of(worker),
        case,
        {
            "kind": "court_with_family",
            "at": max(start, now - dt.timedelta(days=3)),
            "minutes": 300,
            "member_ids": [m.id for m in await cases.family_for(db, case.id)][:1],
            "notes": "Went with Sam to the mention hearing and waited with her after.",
        },
    )
    sentenced, owner = made[2]
    deadlines = [
        t for t in await cases.tasks_for(db, sentenced.id) if (t.playbook_key or "").startswith("deadline:")
    ]
    first = min(
        (t for t in deadlines if t.due_on and t.done_at is None),
        key=lambda t: t.due_on or quarter.end,
        default=None,
    )
    if first is not None:
        await cases.update_task(db, Actor.of(owner), sentenced, first, {"done": True})
    last_quarter = periods.quarter_of(quarter.start - dt.timedelta(days=1))
    actor = Actor.of(manager)
    await reports.submit(db, actor, last_quarter, await scope_for(db, actor, None, admin_sees_all=False))


async def _demo_sentenced(db: AsyncSession, case: Case, worker: User) -> None:
    """The third family after the trial: a conviction and a prison sentence, the deadlines as tasks, a support plan."""
    today = dt.date.today()
    court = {
        "court_name": "Southtown Crown Court",
        "court_town": "Southtown",
        "court_address": "2 Example Square, Southtown ST1 3CD",
        "court_type": "crown",
    }
    proceeding = await hearings.add_proceeding(
        db,
        Actor.of(worker),
        case,
        {**court, "urn": "13DE0000002", "defendants": "Defendant C", "status": "concluded"},
    )
    charge = await hearings.add_charge(
        db,
        Actor.of(worker),
        case,
        proceeding,
        {
            "description": "Sexual activity with a child (demo)",
            "category": "sexual",
            "defendant": "Defendant C",
        },
    )
    verdict = today - dt.timedelta(days=40)
    sentenced = today - dt.timedelta(days=10)
    trial_at = dt.datetime.combine(verdict - dt.timedelta(days=3), dt.time(10, 0), tzinfo=dt.UTC)
    trial = await hearings.add_hearing(
        db,
        Actor.of(worker),
        case,
        {
            "proceeding_id": proceeding.id,
            "hearing_type": "trial",
            "listing": "fixed",
            "date": trial_at.date(),
            "start_time": dt.time(10, 0),
            **court,
            "known_at": trial_at - dt.timedelta(days=60),
        },
        now=trial_at - dt.timedelta(days=60),
    )
    await hearings.change_hearing(
        db,
        Actor.of(worker),
        case,
        trial,
        {"status": "completed", "reason": None},
        now=trial_at + dt.timedelta(days=3),
    )
    await debrief.record_child_attendance(
        db,
        Actor.of(worker),
        case,
        trial,
        {"attended": "gave_evidence", "note": "Gave evidence by live link."},
    )
    await debrief.add_outcome(
        db,
        Actor.of(worker),
        case,
        {
            "proceeding_id": proceeding.id,
            "charge_id": charge.id,
            "defendant": "Defendant C",
            "result": "convicted",
            "decided_on": verdict,
            "sentence_type": "custody",
            "custody_months": "54",
            "sentence_on": sentenced,
            "uls_eligible": "yes",
            "restraining_order": True,
            "restraining_order_months": None,
            "shpo": True,
            "reported_on": dt.date(2025, 3, 14),
            "notes": "Family were in court for the sentence.",
        },
    )
    await debrief.sync_deadline_tasks(db, Actor.of(worker), case)
    await debrief.set_reviews(db, Actor.of(worker), case, sentenced - dt.timedelta(days=25))
    await debrief.add_plan_item(
        db,
        Actor.of(worker),
        case,
        {
            "kind": "compensation",
            "owner": "IPSW with Chris",
            "status": "in_progress",
            "due_on": today + dt.timedelta(days=30),
            "details": "Gather the police reference.",
        },
    )
    await debrief.add_plan_item(
        db,
        Actor.of(worker),
        case,
        {
            "kind": "emotional",
            "owner": "IPSW",
            "status": "planned",
            "due_on": today + dt.timedelta(days=7),
            "details": "Weekly calls for the next month.",
        },
    )
    await debrief.add_plan_item(
        db,
        Actor.of(worker),
        case,
        {
            "kind": "victim_contact",
            "owner": "IPSW",
            "status": "planned",
            "due_on": today + dt.timedelta(days=14),
            "details": None,
        },
    )


async def _demo_not_prosecuted(db: AsyncSession, case: Case, worker: User) -> None:
    """The second family (Welsh-speaking): the police decide on no further action; the right to review."""
    await cases.move_stage(db, Actor.of(worker), case, "outcome", "The police decided on no further action.")
    await debrief.add_outcome(
        db,
        Actor.of(worker),
        case,
        {
            "result": "no_further_action",
            "decided_on": dt.date.today() - dt.timedelta(days=3),
            "reported_on": dt.date.today() - dt.timedelta(days=200),
        },
    )
    await debrief.sync_deadline_tasks(db, Actor.of(worker), case)


async def _demo_hearings(db: AsyncSession, case: Case, worker: User) -> str:
    """The first family's court journey so far: a moved hearing, a cancelled one, a warned-list trial."""
    now = dt.datetime.now(dt.UTC)
    today = dt.date.today()
    court = {
        "court_name": "Northtown Crown Court",
        "court_town": "Northtown",
        "court_address": "1 Example Row, Northtown NT1 2AB",
        "court_type": "crown",
    }
    proceeding = await hearings.add_proceeding(
        db,
        Actor.of(worker),
        case,
        {**court, "urn": "13DE0000001", "defendants": "Defendant A\nDefendant B", "status": "active"},
    )
    await hearings.add_charge(
        db,
        Actor.of(worker),
        case,
        proceeding,
        {
            "description": "Sexual activity with a child (demo)",
            "category": "sexual",
            "defendant": "Defendant A",
        },
    )
    family = await cases.family_for(db, case.id)
    mother, father = family[0], family[1]

    def monday_in(weeks: int) -> dt.date:
        return today + dt.timedelta(days=7 * weeks - today.weekday())

    async def hearing(kind: str, **when: object) -> Hearing:
        listed_at = now - dt.timedelta(days=40)
        h = await hearings.add_hearing(
            db,
            Actor.of(worker),
            case,
            {
                "proceeding_id": proceeding.id,
                "hearing_type": kind,
                **court,
                "arrival_notes": "Use the side entrance on Example Lane. The Witness Service meets you in the waiting room on the first floor.",
                "accompanied_by": "Bea (support worker)",
                "known_at": listed_at,
                "told_at": listed_at + dt.timedelta(hours=3),
                **when,
            },
            now=listed_at,
        )
        await hearings.set_attendance(
            db, Actor.of(worker), case, h, {mother.id: "needed", father.id: "following"}, now=listed_at
        )
        return h

    ptph = await hearing(
        "ptph", listing="fixed", date=today - dt.timedelta(days=30), start_time=dt.time(10, 0)
    )
    await hearings.change_hearing(
        db,
        Actor.of(worker),
        case,
        ptph,
        {"status": "completed", "reason": None},
        now=now - dt.timedelta(days=30),
    )
    ground_rules = await hearing(
        "ground_rules", listing="fixed", date=monday_in(2), start_time=dt.time(10, 0), end_time=dt.time(11, 0)
    )
    await hearings.change_hearing(
        db,
        Actor.of(worker),
        case,
        ground_rules,
        {
            "listing": "fixed",
            "date": monday_in(3) + dt.timedelta(days=1),
            "start_time": dt.time(14, 0),
            "end_time": dt.time(15, 0),
            "reason": "the court had no judge free",
            "known_at": now - dt.timedelta(days=6),
        },
        now=now - dt.timedelta(days=5),
    )
    mention = await hearing(
        "mention", listing="fixed", date=monday_in(1) + dt.timedelta(days=2), start_time=dt.time(9, 30)
    )
    await hearings.change_hearing(
        db,
        Actor.of(worker),
        case,
        mention,
        {
            "status": "vacated",
            "status_reason": "Not needed: the lawyers sorted the matter out in writing.",
            "reason": "the lawyers sorted it out in writing",
            "known_at": now - dt.timedelta(days=2),
            "told_at": now - dt.timedelta(days=1),
        },
        now=now - dt.timedelta(days=2),
    )
    trial = await hearing(
        "trial", listing="warned", window_start=monday_in(6), window_end=monday_in(6) + dt.timedelta(days=11)
    )
    # The mother agreed to email (her own mailbox, which nobody else reads), weekdays 09:00 to 19:00, discreet.
    await messages.set_reach(
        db,
        Actor.of(worker),
        case,
        mother,
        {
            "email": "mother.demo@example.org",
            "email_agreed": True,
            "email_safe": True,
            "safe_from": dt.time(9, 0),
            "safe_until": dt.time(19, 0),
            "weekends": False,
            "discretion": "discreet",
        },
    )
    # Yesterday the court moved the trial's window on a week, and the family has not been told yet:
    # the first line of the worker's My day after `make run`. Its notice to the mother is in the outbox:
    # with no mail server set up (the demo), kept for Bea to copy and send herself.
    moved = await hearings.change_hearing(
        db,
        Actor.of(worker),
        case,
        trial,
        {
            "listing": "warned",
            "window_start": monday_in(7),
            "window_end": monday_in(7) + dt.timedelta(days=11),
            "reason": "the court's list was full",
            "known_at": now - dt.timedelta(days=1),
        },
        now=now - dt.timedelta(days=1),
    )
    await messages.hearing_changed(db, Actor.of(worker), case, trial, moved, now=now - dt.timedelta(days=1))
    for measure, status, notes in (
        ("video_evidence", "granted", None),
        ("live_link", "granted", None),
        ("intermediary", "applied", "Registered intermediary requested by the police"),
    ):
        await hearings.add_measure(
            db, Actor.of(worker), case, {"measure": measure, "status": status, "notes": notes}
        )
    await cases.add_consent(
        db,
        Actor.of(worker),
        case,
        {
            "organisation_kind": "witness_service",
            "organisation": "Citizens Advice Witness Service",
            "purpose": "Support at court for the trial: who is coming, needs, safety.",
            "given_by": mother.name,
            "given_on": today - dt.timedelta(days=10),
        },
    )
    # Two days ago, before the court moved the trial's window, Bea made the mother's briefing and the
    # Witness Service pack and sent the pack by link: both now describe the old dates, so the documents
    # and hearing pages show them out of date, with the live link to end.
    made_at = now - dt.timedelta(days=2)
    briefing = await hearings.make_briefings(db, Actor.of(worker), case, trial, only=mother.id)
    pack = await hearings.make_witness_pack(
        db,
        Actor.of(worker),
        case,
        trial,
        {"separate_entrance": True, "include_narratives": False},
        incidents=threats.summary_for_witness_pack,
    )
    for doc in (*briefing, pack):
        doc.created_at = made_at
    await store.share(
        db,
        Actor.of(worker),
        case,
        pack,
        organisation="Citizens Advice Witness Service",
        recipient="Northtown Crown Court Witness Service",
        now=made_at + dt.timedelta(hours=1),
    )
    _subscription, token = await hearings.subscribe(
        db, Actor.of(worker), case, {"family_member_id": mother.id, "privacy": "discreet"}
    )
    return token


def _days_ago(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = dt.datetime.now(LONDON).date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


async def add_demo_incidents(db: AsyncSession, case: Case, worker: User) -> None:
    """A few fictional incidents on one case: three within two weeks (so the prompt shows), one
    corrected by an amendment, two passed to the police."""
    mother = next(m for m in await cases.family_for(db, case.id) if m.relationship_to_child == "mother")
    made = []
    for values in (
        {
            "occurred_from": _days_ago(40, 15, 30),
            "occurred_to": _days_ago(40, 17, 30),
            "kind": "followed_watched",
            "narrative": "A silver car was parked across the road from the house for about two hours. "
            "The same car drove past slowly when Robin came home from school.",
            "place": "Outside the family home",
            "people": "The driver: a young man in a dark hoodie.",
            "identifiers": {"vehicle": ["DE70 DMO"]},
            "how_known": "saw_heard",
            "reported_by_member_id": mother.id,
            "evidence_kept": "Sam wrote the registration in her notebook.",
        },
        {
            "occurred_from": _days_ago(12, 21),
            "occurred_to": _days_ago(12, 23, 30),
            "kind": "messages_online",
            "narrative": "Several comments under a family photo said the family should keep quiet.",
            "identifiers": {"username": ["demo_account_123"]},
            "how_known": "screenshot_photo",
            "reported_by_member_id": mother.id,
            "evidence_kept": "Screenshots on Sam's phone. The comments have not been deleted.",
        },
        {
            "occurred_from": _days_ago(9, 19, 10),
            "kind": "phone_call",
            "narrative": "A call to the house phone from a withheld number. The caller asked if Robin was going to court, then hung up.",
            "how_known": "saw_heard",
            "reported_by_member_id": mother.id,
        },
        {
            "occurred_from": _days_ago(5, 16),
            "kind": "approach_sibling",
            "narrative": "A young man stopped Robin's younger brother outside the shop and asked where Robin was staying.",
            "place": "The corner shop near the school",
            "how_known": "told",
            "how_known_detail": "Robin's brother told his father the same evening.",
        },
    ):
        made.append(await threats.record_incident(db, Actor.of(worker), case, values))
    await threats.amend_incident(
        db,
        Actor.of(worker),
        case,
        made[2],
        {
            "note": "Sam checked the phone bill: the call came at 19:40, not 19:10.",
            "occurred_from": _days_ago(9, 19, 40),
            "identifiers": {"phone": ["withheld"]},
        },
    )
    await threats.pass_to_police(
        db,
        Actor.of(worker),
        case,
        [made[0].id, made[1].id],
        {
            "passed_on": dt.datetime.now(LONDON).date() - dt.timedelta(days=4),
            "passed_by": "worker",
            "crime_reference": "DEMO/0001/26",
            "officer": "DC Pat Placeholder",
        },
    )


async def add_demo_contacts(db: AsyncSession, case: Case, worker: User) -> None:
    """A few weeks of the first family's contact log: calls, a home visit, a call that did not connect,
    a meeting with the police about them, one entry corrected, one with a follow-up task."""
    from courtjourney.accounts.audit import Actor
    from courtjourney.contacts import services as contacts

    actor = Actor.of(worker)
    family = await cases.family_for(db, case.id)
    mother = next(m for m in family if m.relationship_to_child == "mother")
    made = []
    for values in (
        {
            "kind": "visit_home",
            "at": _days_ago(20, 16),
            "minutes": 90,
            "member_ids": [m.id for m in family],
            "place": "The family home",
            "notes": "Talked through what happens before a trial. Sam asked about screens.",
        },
        {"kind": "no_answer", "at": _days_ago(13, 10), "member_ids": [mother.id]},
        {
            "kind": "call",
            "at": _days_ago(13, 18, 30),
            "minutes": 25,
            "member_ids": [mother.id],
            "notes": "Sam is worried about the comments online. Agreed she keeps screenshots.",
        },
        {
            "kind": "professionals_meeting",
            "at": _days_ago(8, 11),
            "minutes": 45,
            "notes": "Met the officer in the case about the calls to the house.",
        },
        {
            "kind": "text_email",
            "at": _days_ago(2, 9, 15),
            "minutes": 5,
            "member_ids": [mother.id],
            "notes": "Sent the date of the next hearing.",
            "follow_ups": [
                {"title": "Ring Sam about the court visit", "due_on": dt.date.today() + dt.timedelta(days=3)}
            ],
        },
    ):
        made.append(await contacts.record_contact(db, actor, case, values))
    await contacts.correct_contact(db, actor, case, made[2], {"minutes": 35})


async def add_demo_referrals(db: AsyncSession, north: Team, manager: User, worker: User) -> User:
    """Referrals in each state for the managers' queue and the report: a new urgent one (for a child with
    the name and date of birth of a demo case, so accepting it shows a possible duplicate), one waiting
    whose safe way to make contact is not confirmed, one accepted into a case for a North colleague (with
    a first contact made) and one declined. The colleague has no demo login: the worker's caseload stays
    her three cases."""
    import secrets

    from courtjourney.contacts import services as contacts
    from courtjourney.referrals import services as referrals

    colleague = await accounts.create_user(
        db,
        email="colleague@demo.example",
        full_name="Jude Colleague (demo)",
        password=secrets.token_urlsafe(24),  # never shown: not a demo login
        role=Role.WORKER.value,
        team=north,
    )
    by_worker, by_manager = Actor.of(worker), Actor.of(manager)
    now = dt.datetime.now(dt.UTC)
    school = {
        "source": "school",
        "referrer_name": "Ms Demo Teacher",
        "referrer_organisation": "Demo Academy",
        "referrer_contact": "01632 960010",
        "consent": "yes",
    }
    await referrals.record_referral(
        db,
        by_worker,
        {
            **school,
            "received_at": now - dt.timedelta(days=1, hours=3),
            "parent_first_name": "Morgan",
            "parent_relationship": "mother",
            "child_first_name": "Kit",
            "child_birth_date": FAMILIES[1]["born"],
            "reason": "Kit has been seen getting into cars after school. Mum asked the school for help.",
            "safe_contact": "Text Morgan's mobile first; she can talk after 7pm.",
            "urgency": "urgent",
        },
    )
    waiting = await referrals.record_referral(
        db,
        by_manager,
        {
            "source": "police",
            "referrer_name": "DC Demo Officer",
            "referrer_organisation": "Demo Constabulary",
            "referrer_contact": "01632 960011",
            "consent": "yes",
            "received_at": now - dt.timedelta(days=9, hours=2),
            "parent_first_name": "Dana",
            "parent_relationship": "father",
            "child_first_name": "Charlie",
            "child_birth_date": dt.date(2012, 6, 30),
            "reason": "Charlie disclosed to the police last week; Dad wants support before the interview.",
            "safe_contact": "Not through the home phone: someone else answers it. Ask the officer first.",
            "urgency": "soon",
        },
    )
    await referrals.put_waiting(
        db, by_manager, waiting, {"reason": "A safe number for Dad, from the officer."}
    )
    accepted = await referrals.record_referral(
        db,
        by_worker,
        {
            "source": "childrens_social_care",
            "referrer_name": "Demo Social Worker",
            "referrer_organisation": "Demo Children's Services",
            "referrer_contact": "01632 960012",
            "consent": "yes",
            "received_at": now - dt.timedelta(days=16, hours=4),
            "parent_first_name": "Lou",
            "parent_relationship": "mother",
            "child_first_name": "Frankie",
            "child_birth_date": dt.date(2014, 3, 3),
            "reason": "Frankie is at risk from older men met online. Lou would like someone beside her.",
            "safe_contact": "Call Lou's mobile after 6pm.",
            "urgency": "routine",
        },
    )
    await referrals.confirm_safe_contact(db, by_worker, accepted, {})
    case = await referrals.accept_referral(
        db, by_manager, accepted, {"worker_id": colleague.id}, at=now - dt.timedelta(days=14)
    )
    lou = (await cases.family_for(db, case.id))[0]
    await contacts.record_contact(
        db,
        Actor.of(colleague),
        case,
        {
            "kind": "call",
            "at": now - dt.timedelta(days=12, hours=5),
            "minutes": 30,
            "member_ids": [lou.id],
            "notes": "First call. Lou is relieved someone will explain what happens next.",
        },
    )
    declined = await referrals.record_referral(
        db,
        by_manager,
        {
            "source": "health",
            "referrer_name": "Demo School Nurse",
            "referrer_organisation": "Demo Health Trust",
            "consent": "yes",
            "received_at": now - dt.timedelta(days=30),
            "parent_first_name": "Alex",
            "child_first_name": "Rowan",
            "reason": "Worries about Rowan's phone use; no one outside the family is involved so far.",
            "urgency": "routine",
        },
    )
    await referrals.decline_referral(
        db,
        by_manager,
        declined,
        {
            "reason": "Not exploitation by people outside the family. Pointed the nurse to the family support team."
        },
    )
    return colleague


#: Families whose support ended this quarter, with a North colleague (no demo login): their answers at
#: the start and the end (the five items, in items.toml's order), their exit survey and equality answers.
PAST_FAMILIES = (
    (
        "Drew Former",
        "Lee Former",
        "mother",
        (2, 1, 2, 2, 3),
        (4, 4, 3, 3, 4),
        True,
        "Lee felt heard for the first time.",
    ),
    ("Max Former", "Ray Former", "father", (1, 2, 1, 2, 2), (3, 4, 3, 3, 4), True, None),
    (
        "Sky Former",
        "Ash Former",
        "carer",
        (3, 2, 2, 3, 3),
        (4, 3, 4, 3, 4),
        True,
        "The court visit helped most.",
    ),
    ("Rio Former", "Kim Former", "mother", (2, 2, 3, 1, 2), (3, 3, 3, 3, 3), False, None),
    ("Bo Former", "Val Former", "mother", (1, 1, 2, 2, 2), (2, 3, 4, 3, 4), True, None),
)
PAST_EQUALITY: tuple[dict[str, str | None], ...] = (
    {"age_band": "35_44", "gender": "woman", "ethnicity": "white_british", "disability": "no"},
    {"age_band": "45_54", "gender": "man", "ethnicity": "white_british", "disability": None},
    {"age_band": "prefer_not_to_say", "gender": "woman", "ethnicity": "black_african", "disability": "yes"},
    {"age_band": "25_34", "gender": "woman", "ethnicity": "prefer_not_to_say", "disability": "no"},
    {},  # the parent did not want to answer: kept as not asked
)


async def add_demo_outcomes(db: AsyncSession, made: list[tuple[Case, User]], north: Team) -> None:
    """Outcomes for families, for the case page and the report: the worker's first family answered at the
    start and at a review, the second at the start; five families whose support ended this quarter
    answered at the start and the end, with an exit survey and the equality questions (one declined)."""
    from courtjourney.outcomes import services as outcomes
    from courtjourney.reports import periods

    keys = ("understanding", "confidence", "listened_to", "wellbeing", "keep_safe")
    today = dt.datetime.now(LONDON).date()
    quarter = periods.quarter_of(today)
    first, worker = made[0]
    second, _worker = made[1]
    sam = (await cases.family_for(db, first.id))[0]
    morgan = (await cases.family_for(db, second.id))[0]
    by_worker = Actor.of(worker)
    for case, member, point, scores, days in (
        (first, sam, "start", (1, 2, 2, 2, 3), 120),
        (first, sam, "review", (3, 2, 3, 2, 3), 30),
        (second, morgan, "start", (2, 2, 1, 3, 3), 80),
    ):
        await outcomes.record_measure(
            db,
            by_worker,
            case,
            {
                "member_id": member.id,
                "point": point,
                "answered_on": today - dt.timedelta(days=days),
                "answers": dict(zip(keys, scores, strict=True)),
                "child_at_home": True,
                "engaged_with_case": True,
            },
        )
    await outcomes.record_equality(
        db,
        by_worker,
        first,
        {"member_id": sam.id, "age_band": "35_44", "gender": "woman", "ethnicity": "white_irish"},
    )
    colleague = await db.scalar(select(User).where(User.email == "colleague@demo.example"))
    if colleague is None:
        return
    by_colleague = Actor.of(colleague)
    ended = max(quarter.start, today - dt.timedelta(days=10))
    now = dt.datetime.now(dt.UTC)
    for index, (child, parent, relationship, start, end, helped, comment) in enumerate(PAST_FAMILIES):
        case = await cases.open_case(
            db,
            by_colleague,
            {"child_name": child, "child_birth_date": None},
            opened_at=now - dt.timedelta(days=200),
        )
        member = await cases.add_family_member(
            db,
            by_colleague,
            case,
            {"name": parent, "relationship_to_child": relationship, "preferred_language": "en"},
        )
        for point, scores, on in (("start", start, today - dt.timedelta(days=190)), ("end", end, ended)):
            await outcomes.record_measure(
                db,
                by_colleague,
                case,
                {
                    "member_id": member.id,
                    "point": point,
                    "answered_on": on,
                    "answers": dict(zip(keys, scores, strict=True)),
                    "child_at_home": index != 3 or point == "start",
                    "engaged_with_case": True,
                },
            )
        await outcomes.record_exit_survey(
            db,
            by_colleague,
            case,
            {
                "member_id": member.id,
                "answered_on": ended,
                "helped": helped,
                "would_recommend": helped,
                "comment": comment,
            },
        )
        await outcomes.record_equality(
            db, by_colleague, case, {"member_id": member.id, "answered_on": ended, **PAST_EQUALITY[index]}
        )
        await cases.move_stage(db, by_colleague, case, "disclosure", None, at=now - dt.timedelta(days=180))
        await cases.move_stage(
            db,
            by_colleague,
            case,
            "closed",
            "Support ended: the family felt ready.",
            at=min(now, dt.datetime.combine(ended, dt.time(12), tzinfo=LONDON)),
        )
