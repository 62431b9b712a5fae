"""Messages to families: how a member may be reached, notices written to the outbox in the caller's
transaction, messages the worker writes, acknowledgements ("Got it"), and what the worker is shown.

Nothing here sends anything: dispatch.py does, later, from the outbox. So a hearing change and its
notices commit together or not at all, and a page never waits on a mail server.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import SYSTEM, Actor
from courtjourney.accounts.models import User
from courtjourney.cases.journey import Stage
from courtjourney.cases.models import Case, CaseWorker, FamilyMember
from courtjourney.cases.services import current_stage
from courtjourney.db.base import utcnow
from courtjourney.db.rows import one_of_case
from courtjourney.errors import InputError
from courtjourney.hearings import rules as hearing_rules
from courtjourney.hearings.models import Attendance, Hearing, HearingChange
from courtjourney.i18n import LONDON, N_
from courtjourney.i18n import gettext as _
from courtjourney.messages import rules, texts
from courtjourney.messages.models import MemberReach, OutboxMessage
from courtjourney.settings import get_settings

LINK = "{link}"  # where a message's "Got it" link goes: filled in when it is sent or shown, never stored
#: Hearing changes a family is told about by message, and what the notice says of each.
NOTICE_FOR_KIND = {"moved": "moved", "place": "place", "status": "off"}
WRITTEN_MAX = 600  # about four text message parts

STATUS_WORDS = {
    "queued": N_("Waiting to be sent"),
    "sending": N_("Being sent"),
    "sent": N_("Sent"),
    "failed": N_("Not sent"),
    "hold": N_("Not sent: copy it and send it yourself"),
    "sent_by_hand": N_("Sent by hand"),
    "cancelled": N_("Not sent: overtaken by a later change"),
}


# --- how a member may be reached -------------------------------------------------------------


async def reach_for(db: AsyncSession, member_ids: list[UUID]) -> dict[UUID, MemberReach]:
    if not member_ids:
        return {}
    rows = await db.scalars(select(MemberReach).where(MemberReach.member_id.in_(member_ids)))
    return {r.member_id: r for r in rows}


def reach_values(reach: MemberReach | None) -> dict[str, Any]:
    """The reach form, filled in."""
    if reach is None:
        return {"safe_from": "09:00", "safe_until": "19:00", "discretion": "discreet"}
    return {
        "phone": rules.shown_phone(reach.phone) if reach.phone else "",
        "email": reach.email or "",
        "sms_agreed": reach.sms_agreed_at is not None,
        "email_agreed": reach.email_agreed_at is not None,
        "phone_safe": reach.phone_safe,
        "email_safe": reach.email_safe,
        "safe_from": reach.safe_from.strftime("%H:%M"),
        "safe_until": reach.safe_until.strftime("%H:%M"),
        "weekends": reach.weekends,
        "discretion": reach.discretion,
    }


async def set_reach(
    db: AsyncSession, actor: Actor, case: Case, member: FamilyMember, values: dict[str, Any]
) -> MemberReach:
    """Record how a member may be reached. Agreement is stamped with who recorded it and when; taking
    the tick away withdraws it (the audit trail keeps both)."""
    errors: dict[str, str] = {}
    phone = email = None
    if values.get("phone"):
        try:
            phone = rules.clean_phone(values["phone"])
        except InputError as exc:
            errors.update(exc.errors)
    if values.get("email"):
        try:
            email = rules.clean_email(values["email"])
        except InputError as exc:
            errors.update(exc.errors)
    if values.get("sms_agreed") and not values.get("phone"):
        errors["sms_agreed"] = _("Add the phone number they agreed to texts on.")
    if values.get("email_agreed") and not values.get("email"):
        errors["email_agreed"] = _("Add the email address they agreed to email on.")
    start = values.get("safe_from") or dt.time(9, 0)
    end = values.get("safe_until") or dt.time(19, 0)
    if end <= start:
        errors["safe_until"] = _("The end of their safe time must be after its start.")
    elif end <= rules.EARLIEST or start >= rules.LATEST:
        errors["safe_from"] = _("Messages only go between 07:00 and 21:00. Choose a time in between.")
    discretion = values.get("discretion") or "discreet"
    if discretion not in rules.DISCRETION:
        errors["discretion"] = _("Choose discreet or standard.")
    if errors:
        raise InputError(errors)
    reach = (await reach_for(db, [member.id])).get(member.id)
    if reach is None:
        reach = MemberReach(case_id=case.id, member_id=member.id)
        db.add(reach)
    now = utcnow()
    reach.phone, reach.email = phone, email
    for channel in rules.CHANNELS:
        agreed = bool(values.get(f"{channel}_agreed"))
        if agreed and getattr(reach, f"{channel}_agreed_at") is None:
            setattr(reach, f"{channel}_agreed_at", now)
            setattr(reach, f"{channel}_agreed_by_id", actor.id)
        elif not agreed:
            setattr(reach, f"{channel}_agreed_at", None)
            setattr(reach, f"{channel}_agreed_by_id", None)
    reach.phone_safe = bool(values.get("phone_safe"))
    reach.email_safe = bool(values.get("email_safe"))
    reach.safe_from, reach.safe_until = start, end
    reach.weekends = bool(values.get("weekends"))
    reach.discretion = discretion
    await db.flush()
    audit.record(db, "member.reach_changed", actor, case_id=case.id, target=member)
    return reach


def usable_channels(reach: MemberReach | None) -> list[str]:
    """The channels a member agreed to and that are safe, texts first (they are read soonest)."""
    if reach is None:
        return []
    out = []
    if reach.phone and reach.sms_agreed_at is not None and reach.phone_safe:
        out.append("sms")
    if reach.email and reach.email_agreed_at is not None and reach.email_safe:
        out.append("email")
    return out


def safe_times(reach: MemberReach) -> rules.SafeTimes:
    return rules.SafeTimes(reach.safe_from, reach.safe_until, reach.weekends)


# --- links ----------------------------------------------------------------------------------


def ack_token(reference: str) -> str:
    """The message's "Got it" token: derived from its reference with a key of its own, so it is stored
    nowhere (only its hash, to find the message by) and the same every time the message is sent."""
    key = get_settings().derived_key("message-ack")
    digest = hmac.new(key, reference.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ack_link(message: OutboxMessage) -> str:
    return f"{get_settings().link_base}/m/{ack_token(message.reference)}"


def text_of(message: OutboxMessage) -> str:
    """The message exactly as it arrives."""
    return message.body.replace(LINK, ack_link(message)) if message.ack_token_hash else message.body


# --- writing to the outbox ------------------------------------------------------------------


async def _worker_words(db: AsyncSession, case: Case, language: str) -> str:
    """'Bea', or 'Bea on 0113 496 0000': the case's worker, as a family knows her."""
    worker = await db.scalar(
        select(User)
        .join(CaseWorker, CaseWorker.user_id == User.id)
        .where(CaseWorker.case_id == case.id)
        .order_by(CaseWorker.created_at)
        .limit(1)
    )
    if worker is None:
        return "your support worker" if language == "en" else "eich gweithiwr cymorth"
    first = worker.full_name.split()[0] if worker.full_name.strip() else worker.full_name
    if worker.phone:
        return f"{first} on {worker.phone}" if language == "en" else f"{first} ar {worker.phone}"
    return first


def _new_message(
    *,
    case: Case,
    member_id: UUID,
    channel: str,
    to: str,
    body: str,
    kind: str,
    language: str,
    due_at: dt.datetime,
    urgent: bool,
    actor: Actor,
    subject: str | None,
    with_link: bool,
    hearing_id: UUID | None = None,
    change_id: UUID | None = None,
    reference: str | None = None,
) -> OutboxMessage:
    reference = reference or secrets.token_hex(16)
    via = get_settings().channel_for(channel)
    return OutboxMessage(
        case_id=case.id,
        member_id=member_id,
        channel=channel,
        to_address=to,
        subject=subject,
        body=body,
        kind=kind,
        urgent=urgent,
        language=language,
        due_at=due_at,
        status="queued" if via else "hold",
        reference=reference,
        ack_token_hash=token_hash(ack_token(reference)) if with_link else None,
        hearing_id=hearing_id,
        hearing_change_id=change_id,
        created_by_id=actor.id,
    )


def hearing_start(hearing: Hearing) -> dt.datetime | None:
    if hearing.starts_at is not None:
        return hearing.starts_at
    if hearing.window_start is not None:
        return dt.datetime.combine(hearing.window_start, dt.time(10, 0), LONDON).astimezone(dt.UTC)
    return None


async def _reachable(db: AsyncSession, hearing_id: UUID) -> list[Any]:
    """The hearing's family members, with how each may be reached and their language, in one question."""
    return list(
        (
            await db.execute(
                select(MemberReach, FamilyMember.preferred_language)
                .join(Attendance, Attendance.family_member_id == MemberReach.member_id)
                .join(FamilyMember, FamilyMember.id == MemberReach.member_id)
                .where(Attendance.hearing_id == hearing_id)
            )
        ).all()
    )


async def hearing_changed(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    hearing: Hearing,
    change: HearingChange,
    *,
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Write a notice of `change` for every family member the hearing affects who agreed to messages on
    a safe channel: due now inside their safe times, else at the start of the next. A notice of an
    earlier change to the same hearing not yet sent is overtaken: only the latest goes."""
    what = NOTICE_FOR_KIND.get(change.kind)
    if what == "off" and hearing.status not in hearing_rules.NOT_HAPPENING:
        what = "moved" if hearing.status == "moved" else None
    if what is None:
        return []
    now = now or utcnow()
    # Who to tell, in one question: the hearing's family members, with how each may be reached.
    rows = await _reachable(db, hearing.id)
    if not rows:
        return []
    await db.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.hearing_id == hearing.id,
            OutboxMessage.kind == "hearing_change",
            OutboxMessage.status.in_(("queued", "hold")),
        )
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    start = hearing_start(hearing)
    urgent = rules.is_urgent(now, start)
    notice = texts.Notice(
        what, hearing.starts_at, hearing.window_start, hearing.court_name, hearing.court_town
    )
    made = []
    workers: dict[str, str] = {}
    for r, language in rows:
        channels = usable_channels(r)
        if not channels:
            continue
        channel = channels[0]
        if language not in workers:
            workers[language] = await _worker_words(db, case, language)
        worker = workers[language]
        message = _new_message(
            case=case,
            member_id=r.member_id,
            channel=channel,
            to=r.phone if channel == "sms" else r.email,
            body=texts.words(
                notice, language=language, discretion=r.discretion, link=LINK, worker=worker, urgent=urgent
            ),
            kind="hearing_change",
            language=language,
            due_at=rules.next_send_time(now, safe_times(r), urgent=urgent),
            urgent=urgent,
            actor=actor,
            subject=texts.subject(language, worker.split()[0]) if channel == "email" else None,
            with_link=True,
            hearing_id=hearing.id,
            change_id=change.id,
        )
        db.add(message)
        made.append(message)
    await db.flush()
    for message in made:
        audit.record(db, "message.queued", actor, case_id=case.id, target=message)
    return made


def reminder_reference(hearing_id: UUID, member_id: UUID, start: dt.datetime | dt.date) -> str:
    """One reminder's reference: the same for one hearing, member and start, so a sweep run twice (or by
    two processes at once) writes it once (the column is unique); a hearing moved to another day gets its own."""
    return hashlib.sha256(f"reminder:{hearing_id}:{member_id}:{start.isoformat()}".encode()).hexdigest()[:32]


async def plan_reminders(db: AsyncSession, *, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """The day before a hearing, or before a warned list's window opens, a reminder to each family member it
    affects who agreed to messages on a safe channel, due at their first safe time that day. None when that
    day's safe times are over (a reminder saying "tomorrow" must arrive the day before), for a hearing that
    will not go ahead, or for a closed case. Run by every dispatcher pass: one question finds the members
    not yet reminded (indexed, so a pass that finds none costs little), and each reminder is written once."""
    now = now or utcnow()
    today = now.astimezone(LONDON).date()
    tomorrow = today + dt.timedelta(days=1)
    midnight, begin, end = (
        dt.datetime.combine(day, dt.time(0, 0), LONDON).astimezone(dt.UTC)
        for day in (today, tomorrow, tomorrow + dt.timedelta(days=1))
    )
    reminded = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.hearing_id == Hearing.id,
            OutboxMessage.member_id == MemberReach.member_id,
            OutboxMessage.kind == "reminder",
            OutboxMessage.due_at >= midnight,
        )
        .exists()
    )
    rows = (
        await db.execute(
            select(Hearing, MemberReach, FamilyMember.preferred_language)
            .join(Attendance, Attendance.hearing_id == Hearing.id)
            .join(MemberReach, MemberReach.member_id == Attendance.family_member_id)
            .join(FamilyMember, FamilyMember.id == MemberReach.member_id)
            .where(
                Hearing.status.not_in(hearing_rules.NOT_HAPPENING | {"completed"}),
                or_(
                    and_(Hearing.window_start.is_(None), Hearing.starts_at >= begin, Hearing.starts_at < end),
                    Hearing.window_start == tomorrow,
                ),
                or_(  # a channel they agreed to that is safe (usable_channels, as SQL): the rest never qualify
                    and_(
                        MemberReach.phone.is_not(None),
                        MemberReach.sms_agreed_at.is_not(None),
                        MemberReach.phone_safe.is_(True),
                    ),
                    and_(
                        MemberReach.email.is_not(None),
                        MemberReach.email_agreed_at.is_not(None),
                        MemberReach.email_safe.is_(True),
                    ),
                ),
                ~reminded,
            )
        )
    ).all()
    made: list[OutboxMessage] = []
    cases: dict[UUID, Case | None] = {}
    workers: dict[tuple[UUID, str], str] = {}
    for hearing, r, language in rows:
        channels = usable_channels(r)
        due = rules.next_send_time(now, safe_times(r), urgent=False)
        if not channels or due.astimezone(LONDON).date() != today:
            continue
        if hearing.case_id not in cases:
            case = await db.get(Case, hearing.case_id)
            open_ = case is not None and await current_stage(db, case.id) != Stage.CLOSED
            cases[hearing.case_id] = case if open_ else None
        case = cases[hearing.case_id]
        if case is None:
            continue
        notice = texts.Notice(
            "window" if hearing.window_start is not None else "reminder",
            hearing.starts_at,
            hearing.window_start,
            hearing.court_name,
            hearing.court_town,
        )
        if (case.id, language) not in workers:  # one question per case and language, not per reminder
            workers[case.id, language] = await _worker_words(db, case, language)
        worker = workers[case.id, language]
        channel = channels[0]
        message = _new_message(
            case=case,
            member_id=r.member_id,
            channel=channel,
            to=(r.phone if channel == "sms" else r.email) or "",  # usable_channels: it is set
            body=texts.words(
                notice, language=language, discretion=r.discretion, link=LINK, worker=worker, urgent=False
            ),
            kind="reminder",
            language=language,
            due_at=due,
            urgent=False,
            actor=SYSTEM,
            subject=texts.subject(language, worker.split()[0]) if channel == "email" else None,
            with_link=True,
            hearing_id=hearing.id,
            reference=reminder_reference(hearing.id, r.member_id, hearing.starts_at or tomorrow),
        )
        try:
            async with db.begin_nested():  # another process wrote it first: theirs stands
                db.add(message)
        except IntegrityError:
            continue
        audit.record(db, "message.queued", SYSTEM, case_id=case.id, target=message)
        made.append(message)
    return made


async def write_message(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    values: dict[str, Any],
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> OutboxMessage:
    """A message the worker writes to one family member. It goes at once inside their safe times, else
    at the start of the next. `dry_run` builds it without keeping it (the preview)."""
    member = (
        await one_of_case(db, FamilyMember, case.id, values["member_id"], "family member")
        if values.get("member_id")
        else None
    )
    text = (values.get("text") or "").strip()
    errors: dict[str, str] = {}
    if member is None:
        errors["member_id"] = _("Choose who the message is for.")
    if not text:
        errors["text"] = _("Write the message.")
    elif len(text) > WRITTEN_MAX:
        errors["text"] = _("Keep it under %(n)d characters: a long text arrives in pieces.") % {
            "n": WRITTEN_MAX
        }
    reach = (await reach_for(db, [member.id])).get(member.id) if member else None
    channels = usable_channels(reach)
    channel = values.get("channel") or (channels[0] if channels else None)
    if member is not None and not channels:
        errors["member_id"] = _(
            "They have not agreed to messages on a phone or email that is safe to use. Record that first."
        )
    elif member is not None and channel not in channels:
        errors["channel"] = _("They have not agreed to messages this way, or it is not safe to use.")
    if errors:
        raise InputError(errors)
    assert member is not None and reach is not None and channel is not None
    now = now or utcnow()
    worker = await _worker_words(db, case, member.preferred_language)
    first = worker.split()[0]
    message = _new_message(
        case=case,
        member_id=member.id,
        channel=channel,
        to=reach.phone if channel == "sms" else reach.email,  # type: ignore[arg-type]
        body=text if text.endswith(first) else f"{text} - {first}",  # signed, once
        kind="written",
        language=member.preferred_language,
        due_at=rules.next_send_time(now, safe_times(reach), urgent=False),
        urgent=False,
        actor=actor,
        subject=texts.subject(member.preferred_language, first) if channel == "email" else None,
        with_link=False,
    )
    if dry_run:
        return message
    db.add(message)
    await db.flush()
    audit.record(db, "message.queued", actor, case_id=case.id, target=message)
    return message


# --- reading ----------------------------------------------------------------------------------


async def messages_for(db: AsyncSession, case_id: UUID, limit: int = 200) -> list[OutboxMessage]:
    return list(
        await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.case_id == case_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


async def get_message(db: AsyncSession, case: Case, message_id: UUID) -> OutboxMessage:
    return await one_of_case(db, OutboxMessage, case.id, message_id, "message")


async def sent_by_hand(db: AsyncSession, actor: Actor, case: Case, message: OutboxMessage) -> OutboxMessage:
    """The worker copied a kept message and sent it herself."""
    if message.status != "hold":
        raise InputError({"status": _("Only a message kept for you to send yourself can be marked as sent.")})
    message.status, message.via, message.sent_at = "sent_by_hand", "hand", utcnow()
    audit.record(db, "message.sent_by_hand", actor, case_id=case.id, target=message)
    return message


@dataclass(frozen=True)
class Acknowledged:
    message: OutboxMessage
    first_time: bool


async def by_token(db: AsyncSession, token: str) -> OutboxMessage | None:
    if not token or len(token) > 64:
        return None
    return await db.scalar(select(OutboxMessage).where(OutboxMessage.ack_token_hash == token_hash(token)))


async def acknowledge(
    db: AsyncSession, actor: Actor, message: OutboxMessage, *, now: dt.datetime | None = None
) -> Acknowledged:
    """The family member pressed "Got it": they have been told. Every change of the hearing this notice
    was about, up to it, is marked as told then (the Victims' Code timeliness flag reads told_at)."""
    if message.acknowledged_at is not None:
        return Acknowledged(message, False)
    now = now or utcnow()
    message.acknowledged_at = now
    if message.hearing_id is not None and message.hearing_change_id is not None:
        change = await db.get(HearingChange, message.hearing_change_id)
        if change is not None:
            await db.execute(
                update(HearingChange)
                .where(
                    HearingChange.hearing_id == message.hearing_id,
                    HearingChange.told_at.is_(None),
                    HearingChange.changed_at <= change.changed_at,
                    HearingChange.known_at <= now,
                )
                .values(told_at=now)
            )
    audit.record(db, "message.acknowledged", actor, case_id=message.case_id, target=message)
    return Acknowledged(message, True)


def status_words(message: OutboxMessage) -> str:
    return _(STATUS_WORDS.get(message.status, message.status))


async def unacknowledged(db: AsyncSession, case_ids: list[UUID]) -> list[OutboxMessage]:
    """Notices with a "Got it" link, sent (or kept to send by hand) and not yet acknowledged."""
    if not case_ids:
        return []
    return list(
        await db.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.case_id.in_(case_ids),
                OutboxMessage.ack_token_hash.is_not(None),
                OutboxMessage.acknowledged_at.is_(None),
                OutboxMessage.status.in_(("sent", "sent_by_hand", "hold", "failed")),
            )
            .order_by(OutboxMessage.due_at)
        )
    )
