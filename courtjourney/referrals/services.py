"""The referral's rules: record one, the queue, possible duplicates, the decisions (accept into a case,
decline, withdraw, put on the waiting list), confirming the safe way to make first contact, and the
first-contact gate the contact log asks before it records a contact that reached the family.

No HTTP in here. Every change writes its audit event into the same transaction; reads are audited by
the guard in access.py, as a case's are by the case guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, case, distinct, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, User
from courtjourney.cases import search_index
from courtjourney.cases import services as cases
from courtjourney.cases.access import Who
from courtjourney.cases.models import Case, CaseWorker, SearchToken
from courtjourney.db.base import utcnow
from courtjourney.errors import InputError
from courtjourney.i18n import LONDON, N_, long_date
from courtjourney.i18n import gettext as _
from courtjourney.referrals import rules
from courtjourney.referrals.models import Referral

NOT_FOUND = N_("No referral was found at this address.")
ONLY_MANAGERS = N_(
    "Only a manager of the team can accept, decline or withdraw a referral, or put it on the waiting list."
)
NOT_CONFIRMED = N_(
    "This family came to us by a referral, and the safe way to make first contact is not confirmed yet. "
    "Confirm it on the referral first (Referrals, then this family's referral). Until then, record only "
    "attempts that did not reach the family."
)


def local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


# --- who sees what ------------------------------------------------------------------------------


def visible_referrals(who: Who) -> Select[Referral]:
    """A query for the referrals `who` may see (the only way lists of referrals are built).

    A manager sees every referral of their team; a worker of the team sees those she recorded until one
    is accepted into a case, and those accepted into a case she works on (an accepted referral holds what
    its case holds, so it is seen as the case is); anyone else (an admin, someone with no team) sees none."""
    if who.team_id is None or who.role not in {Role.MANAGER.value, Role.WORKER.value}:
        return select(Referral).where(false())
    query = select(Referral).where(Referral.team_id == who.team_id)
    if who.role == Role.MANAGER.value:
        return query
    mine = select(CaseWorker.case_id).where(CaseWorker.user_id == who.id)
    return query.where(
        or_(
            and_(Referral.recorded_by_id == who.id, Referral.case_id.is_(None)),
            Referral.case_id.in_(mine),
        )
    )


def may_decide(who: Who, referral: Referral) -> bool:
    """Accepting, declining, withdrawing and the waiting list are the team manager's."""
    return who.role == Role.MANAGER.value and who.team_id == referral.team_id


async def get_referral(db: AsyncSession, who: Who, referral_id: UUID) -> Referral | None:
    return await db.scalar(visible_referrals(who).where(Referral.id == referral_id))


async def list_referrals(db: AsyncSession, actor: Actor, status: str = "open") -> list[Referral]:
    """The queue: the referrals `actor` may see with this status ("open": new and waiting; "all": every
    one). Undecided ones come most urgent first, then longest waiting; decided ones newest first.
    Each one shown is audited."""
    query = visible_referrals(actor)
    if status == "open":
        query = query.where(Referral.status.in_(rules.OPEN))
    elif status != "all":
        query = query.where(Referral.status == status)
    undecided = Referral.status.in_(rules.OPEN)
    urgency = case(rules.URGENCY_ORDER, value=Referral.urgency, else_=9)
    # Undecided ones oldest first (within urgency); decided ones newest first.
    received_order = case((undecided, Referral.received_at), else_=None)
    found = list(
        await db.scalars(
            query.order_by(
                undecided.desc(),
                case((undecided, urgency), else_=0),
                received_order.asc(),
                Referral.received_at.desc(),
                Referral.id,
            )
        )
    )
    for referral in found:
        audit.record(db, "referral.listed", actor, case_id=referral.case_id, target=referral)
    return found


# --- measures -----------------------------------------------------------------------------------


def days_waiting(referral: Referral, today: dt.date) -> int:
    """Days since it was received, for one still waiting; for a decided one, the days it waited."""
    received = local_date(referral.received_at)
    if referral.status in rules.OPEN or referral.decided_at is None:
        return max(0, (today - received).days)
    return max(0, (local_date(referral.decided_at) - received).days)


def days_to_first_contact(referral: Referral) -> int | None:
    """Days from receiving the referral to the first contact that reached the family (None: not yet)."""
    if referral.first_contact_at is None:
        return None
    return max(0, (local_date(referral.first_contact_at) - local_date(referral.received_at)).days)


# --- recording ----------------------------------------------------------------------------------


def _text(values: Mapping[str, Any], name: str) -> str | None:
    value = values.get(name)
    return value.strip() or None if isinstance(value, str) else None


async def record_referral(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> Referral:
    """Record a referral for the actor's team, as received (cleaned by forms.RECORD first)."""
    if actor.team_id is None or actor.role not in {Role.MANAGER.value, Role.WORKER.value}:
        raise InputError(
            {"team": _("Your account is not in a team, so it cannot record referrals. Ask an admin.")}
        )
    now = utcnow()
    today = local_date(now)
    errors: dict[str, str] = {}
    received = values.get("received_at") or now
    if received < now - rules.OLDEST:
        errors["received_at"] = _("Check the year: a referral cannot be dated more than five years ago.")
    elif received > now + rules.FUTURE_GRACE:
        errors["received_at"] = _("A referral cannot be received in the future. Leave it empty for now.")
    birth: dt.date | None = values.get("child_birth_date")
    if birth is not None:
        if birth > today:
            errors["child_birth_date"] = _("The child's date of birth cannot be in the future.")
        elif birth.year < today.year - rules.OLDEST_CHILD_YEARS:
            errors["child_birth_date"] = _(
                "Check the year of the child's date of birth: it is more than 25 years ago."
            )
    source = values.get("source")
    if source not in rules.SOURCE_LABELS:
        errors["source"] = _("Choose who made the referral.")
    if source != rules.SELF_REFERRAL and not _text(values, "referrer_name"):
        errors["referrer_name"] = _(
            "Enter the referrer's name, so the worker can go back to them. "
            "If the parent got in touch themselves, choose that under who made the referral."
        )
    if values.get("consent") not in {"yes", "no"}:
        errors["consent"] = _("Choose whether the family agreed to the referral.")
    urgency = values.get("urgency") or "routine"
    if urgency not in rules.URGENCY_LABELS:
        errors["urgency"] = _("Choose how urgent the referral is.")
    for name, words in (
        ("parent_first_name", _("Enter the parent's first name.")),
        ("child_first_name", _("Enter the child's first or chosen name.")),
        ("reason", _("Enter why the family was referred.")),
    ):
        if not _text(values, name):
            errors[name] = words
    if errors:
        raise InputError(errors)
    referral = Referral(
        team_id=actor.team_id,
        received_at=received,
        source=source,
        referrer_name=_text(values, "referrer_name"),
        referrer_organisation=_text(values, "referrer_organisation"),
        referrer_contact=_text(values, "referrer_contact"),
        parent_first_name=_text(values, "parent_first_name"),
        parent_relationship=values.get("parent_relationship") or None,
        child_first_name=_text(values, "child_first_name"),
        child_birth_date=birth.isoformat() if birth else None,
        reason=_text(values, "reason"),
        consent=values.get("consent") == "yes",
        consent_recorded_by_id=actor.id,
        consent_recorded_at=now,
        safe_contact=_text(values, "safe_contact"),
        urgency=urgency,
        status=rules.NEW,
        recorded_by_id=actor.id,
    )
    db.add(referral)
    await db.flush()
    audit.record(db, "referral.recorded", actor, target=referral)
    return referral


# --- possible duplicates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """A case of the team whose child has the referral's first name; `same_birth_date` is None where
    either date of birth is not known, so the two cannot be told apart by it."""

    case: Case
    same_birth_date: bool | None


async def possible_duplicates(db: AsyncSession, referral: Referral) -> list[Duplicate]:
    """Cases of the referral's team whose child has the same first name and date of birth.

    Found through the keyed name index (cases/search_index.py): the name's words are hashed as a
    search hashes them and looked up among the children's entries, so only the few cases whose child
    holds every word are read and decrypted, never the team's whole caseload. Those few are then held
    to the whole word (the index matches prefixes: "Sam" would find "Samira") and the date of birth."""
    hashes = search_index.query_hashes(referral.child_first_name)
    if not hashes:
        return []
    children = (
        select(SearchToken.case_id)
        .where(SearchToken.token_hash.in_(hashes), SearchToken.family_member_id.is_(None))
        .group_by(SearchToken.case_id)
        .having(func.count(distinct(SearchToken.token_hash)) == len(hashes))
    )
    query = select(Case).where(Case.team_id == referral.team_id, Case.id.in_(children))
    if referral.case_id is not None:
        query = query.where(Case.id != referral.case_id)
    wanted = set(search_index.words(referral.child_first_name))
    born = referral.birth_date
    found = []
    for candidate in await db.scalars(query.order_by(Case.reference)):
        if not wanted <= set(search_index.name_words(candidate.child_name)):
            continue
        theirs = candidate.birth_date
        if born is not None and theirs is not None:
            if born != theirs:
                continue
            found.append(Duplicate(candidate, True))
        else:
            found.append(Duplicate(candidate, None))
    return found


# --- decisions ----------------------------------------------------------------------------------


async def _locked(db: AsyncSession, referral: Referral) -> Referral:
    """The referral as stored now, its row locked (PostgreSQL) so two decisions at once queue up and the
    second sees the first; SQLite's BEGIN IMMEDIATE already serialises writers."""
    await db.execute(select(Referral.id).where(Referral.id == referral.id).with_for_update())
    await db.refresh(referral)
    return referral


def _already(referral: Referral) -> InputError:
    day = long_date(referral.decided_at) if referral.decided_at else ""
    words = {
        rules.ACCEPTED: _("This referral was already accepted on %(day)s. Nothing was changed."),
        rules.DECLINED: _("This referral was already declined on %(day)s. Nothing was changed."),
        rules.WITHDRAWN: _("This referral was already withdrawn on %(day)s. Nothing was changed."),
    }
    return InputError({"status": words[referral.status] % {"day": day}})


def _check_decider(actor: Actor, referral: Referral) -> None:
    if not may_decide(actor, referral):  # pages and the API answer 403 before they get here
        raise InputError({"status": _(ONLY_MANAGERS)})


def _decided(referral: Referral, actor: Actor, status: str, reason: str | None, at: dt.datetime) -> None:
    referral.status = status
    referral.decision_reason = reason
    referral.decided_at = at
    referral.decided_by_id = actor.id


async def team_people(db: AsyncSession, team_id: UUID) -> list[User]:
    """Who a referral of the team may be accepted to: its active workers and managers."""
    people = await cases.team_colleagues(db, team_id)
    return sorted(people, key=lambda u: (u.role != Role.WORKER.value, u.full_name.casefold()))


async def accept_referral(
    db: AsyncSession,
    actor: Actor,
    referral: Referral,
    values: Mapping[str, Any],
    *,
    at: dt.datetime | None = None,
) -> Case:
    """Accept the referral: open a case at the first stage (risk assessment) for the worker chosen,
    with the child's name and date of birth and the parent as its first family member, linked back."""
    _check_decider(actor, referral)
    referral = await _locked(db, referral)
    if referral.status not in rules.OPEN:
        raise _already(referral)
    errors: dict[str, str] = {}
    if not referral.consent:
        errors["consent"] = _(
            "The family did not agree to this referral, so it cannot be accepted. "
            "Decline it, or record a new referral once they agree."
        )
    worker_id = values.get("worker_id")
    people = {u.id for u in await team_people(db, referral.team_id)}
    if worker_id not in people:
        errors["worker_id"] = _("Choose someone from the team to support the family.")
    if errors:
        raise InputError(errors)
    at = at or utcnow()
    case_row = await cases.open_case(
        db,
        actor,
        {"child_name": referral.child_first_name, "child_birth_date": referral.birth_date},
        opened_at=at,
        worker_id=worker_id,
    )
    await cases.add_family_member(
        db,
        actor,
        case_row,
        {
            "name": referral.parent_first_name,
            # "Carer or guardian" where the referral did not say: the worker corrects it on the case.
            "relationship_to_child": referral.parent_relationship or "carer",
            "preferred_language": "en",
            "safe_contact": referral.safe_contact,
            "access_needs": None,
            "is_witness": False,
        },
    )
    _decided(referral, actor, rules.ACCEPTED, None, at)
    referral.case_id = case_row.id
    await db.flush()
    audit.record(db, "referral.accepted", actor, case_id=case_row.id, target=referral)
    return case_row


async def decline_referral(
    db: AsyncSession, actor: Actor, referral: Referral, values: Mapping[str, Any]
) -> Referral:
    """Decline it, with the reason (kept encrypted with the referral)."""
    _check_decider(actor, referral)
    referral = await _locked(db, referral)
    if referral.status not in rules.OPEN:
        raise _already(referral)
    reason = _text(values, "reason")
    if not reason:
        raise InputError({"reason": _("Enter why the referral is declined.")})
    _decided(referral, actor, rules.DECLINED, reason, utcnow())
    await db.flush()
    audit.record(db, "referral.declined", actor, target=referral)
    return referral


async def withdraw_referral(
    db: AsyncSession, actor: Actor, referral: Referral, values: Mapping[str, Any]
) -> Referral:
    """Mark it withdrawn (by the referrer or the family), with why if known."""
    _check_decider(actor, referral)
    referral = await _locked(db, referral)
    if referral.status not in rules.OPEN:
        raise _already(referral)
    _decided(referral, actor, rules.WITHDRAWN, _text(values, "reason"), utcnow())
    await db.flush()
    audit.record(db, "referral.withdrawn", actor, target=referral)
    return referral


async def put_waiting(
    db: AsyncSession, actor: Actor, referral: Referral, values: Mapping[str, Any]
) -> Referral:
    """Put a new referral on the waiting list (for a worker to be free, for consent...): still undecided."""
    _check_decider(actor, referral)
    referral = await _locked(db, referral)
    if referral.status == rules.WAITING:
        raise InputError({"status": _("This referral is already waiting. Nothing was changed.")})
    if referral.status not in rules.OPEN:
        raise _already(referral)
    referral.status = rules.WAITING
    referral.waiting_since = utcnow()
    referral.waiting_for = _text(values, "reason")
    await db.flush()
    audit.record(db, "referral.waiting", actor, case_id=referral.case_id, target=referral)
    return referral


async def confirm_safe_contact(
    db: AsyncSession, actor: Actor, referral: Referral, values: Mapping[str, Any]
) -> Referral:
    """Record that the safe way to make first contact was checked and is confirmed (by whom, when),
    with its words as confirmed. Anyone who sees the referral may, as the worker making the call will."""
    referral = await _locked(db, referral)
    if referral.status in {rules.DECLINED, rules.WITHDRAWN}:
        raise _already(referral)
    safe = _text(values, "safe_contact") or referral.safe_contact
    if not safe:
        raise InputError({"safe_contact": _("Enter the safe way to make first contact that was confirmed.")})
    referral.safe_contact = safe
    referral.safe_contact_confirmed_at = utcnow()
    referral.safe_contact_confirmed_by_id = actor.id
    await db.flush()
    audit.record(db, "referral.safe_contact_confirmed", actor, case_id=referral.case_id, target=referral)
    return referral


# --- what the contact log asks ------------------------------------------------------------------


async def first_contact_allowed(db: AsyncSession, case_id: UUID) -> bool:
    """Whether a contact that reaches the family may be recorded on this case: yes, unless the case was
    opened from a referral whose safe way to make first contact is not confirmed yet."""
    row = (
        await db.execute(select(Referral.safe_contact_confirmed_at).where(Referral.case_id == case_id))
    ).first()
    return row is None or row[0] is not None


async def note_first_contact(db: AsyncSession, case_id: UUID, at: dt.datetime | None) -> None:
    """The contact log tells the referral of this case when its first contact that reached the family
    was (after each contact recorded or corrected), so the time from referral to first contact is kept."""
    await db.execute(
        update(Referral)
        .where(Referral.case_id == case_id)
        .values(first_contact_at=at)
        .execution_options(synchronize_session="fetch")
    )


async def referral_for_case(db: AsyncSession, case_id: UUID) -> Referral | None:
    return await db.scalar(select(Referral).where(Referral.case_id == case_id))


def people_named(referrals: Sequence[Referral]) -> set[UUID]:
    """The colleagues a list of referrals names (recorded, confirmed, decided by)."""
    return {
        who
        for r in referrals
        for who in (
            r.recorded_by_id,
            r.safe_contact_confirmed_by_id,
            r.decided_by_id,
            r.consent_recorded_by_id,
        )
        if who is not None
    }
