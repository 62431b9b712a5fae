"""Incident log rules: record, amend, add evidence, pass to police, check the chain, gather for export.

No HTTP here. Every write locks the case's log, appends the entry and its chain link, and writes its
audit event, all in the caller's transaction. Callers pass values already cleaned (forms.py / the API's
schemas); the rules that need the database or the clock (times, family members, ids of this case)
are checked here, and every failure is an InputError before anything is added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from advanced_alchemy.mixins.uuid import uuid7
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.db.base import utcnow
from courtjourney.errors import InputError
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _
from courtjourney.settings import derived_key
from courtjourney.threats import chain
from courtjourney.threats import evidence as files
from courtjourney.threats.models import (
    DETAIL_FIELDS,
    ENTRY_TYPES,
    Amendment,
    ChainLink,
    Evidence,
    Incident,
    PoliceReferral,
)
from courtjourney.threats.rules import (
    CLOCK_GRACE_MINUTES,
    EVIDENCE_MAX_BYTES,
    HOW_KNOWN,
    IDENTIFIER_KINDS,
    KINDS,
    PASSED_BY,
)

# What each entry type's link covers, besides id, case_id and its place in the chain.
CHAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "incident": ("number", "recorded_by_id", "recorded_at", *DETAIL_FIELDS),
    "amendment": ("incident_id", "note", "recorded_by_id", "recorded_at", *DETAIL_FIELDS),
    "evidence": (
        "incident_id",
        "filename",
        "media_type",
        "size_bytes",
        "sha256",
        "recorded_by_id",
        "recorded_at",
    ),
    "police": (
        "incident_id",
        "passed_on",
        "passed_by",
        "crime_reference",
        "officer",
        "recorded_by_id",
        "recorded_at",
    ),
}
MAX_IDENTIFIERS = 20
MAX_IDENTIFIER_LENGTH = 100


def chain_key() -> bytes:
    return derived_key(chain.KEY_PURPOSE)


def files_key() -> bytes:
    return derived_key(files.KEY_PURPOSE)


def canonical_form(entry_type: str, row: Any, seq: int) -> bytes:
    fields = {name: getattr(row, name) for name in ("id", "case_id", *CHAIN_FIELDS[entry_type])}
    return chain.canonical(entry_type, seq, fields)


async def _lock_log(db: AsyncSession, case: Case) -> None:
    """Queue writers of one case's log: PostgreSQL locks the case row; SQLite's BEGIN IMMEDIATE
    already lets one writer in at a time. The (case, seq) unique key is the backstop."""
    await db.execute(select(Case.id).where(Case.id == case.id).with_for_update())


async def _append(db: AsyncSession, case: Case, entry_type: str, row: Any) -> ChainLink:
    """Add `row` and the next link of the case's chain (the caller holds the lock)."""
    last = (
        await db.execute(
            select(ChainLink.seq, ChainLink.link)
            .where(ChainLink.case_id == case.id)
            .order_by(ChainLink.seq.desc())
            .limit(1)
        )
    ).first()
    seq, previous = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
    db.add(row)
    await db.flush()
    link = ChainLink(
        case_id=case.id,
        seq=seq,
        entry_type=entry_type,
        entry_id=row.id,
        link=chain.next_link(chain_key(), previous, canonical_form(entry_type, row, seq)),
    )
    db.add(link)
    await db.flush()
    return link


# --- checking what people send -------------------------------------------------------------


def _now() -> dt.datetime:
    return utcnow()


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Times without a zone are UK times (what a worker in England or Wales means)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(dt.UTC)


def check_times(values: dict[str, Any], *, required: bool, now: dt.datetime | None = None) -> dict[str, str]:
    """Plain-English problems with occurred_from / occurred_to / reported_at, keyed by those names."""
    now = now or _now()
    latest = now + dt.timedelta(minutes=CLOCK_GRACE_MINUTES)
    start, end, reported = values.get("occurred_from"), values.get("occurred_to"), values.get("reported_at")
    errors: dict[str, str] = {}
    if start is None and required:
        errors["occurred_from"] = _("Enter when it happened, or the earliest it could have been.")
    if end is not None and start is None and not errors:
        errors["occurred_from"] = _("Enter when the window starts as well as when it ends.")
    if start is not None and start > latest:
        errors["occurred_from"] = _("When it happened cannot be in the future.")
    if end is not None and start is not None and end < start:
        errors["occurred_to"] = _("The end of the window cannot be before its start.")
    elif end is not None and end > latest:
        errors["occurred_to"] = _("The end of the window cannot be in the future.")
    if reported is not None:
        if reported > latest:
            errors["reported_at"] = _("When it was reported cannot be in the future.")
        elif start is not None and reported < start:
            errors["reported_at"] = _("It cannot have been reported before it happened.")
    return errors


def _choice(
    errors: dict[str, str],
    values: dict[str, Any],
    name: str,
    choices: Sequence[tuple[str, str]],
    message: str,
) -> None:
    value = values.get(name)
    if value is not None and value not in {key for key, _label in choices}:
        errors[name] = message


def clean_identifiers(raw: dict[str, Iterable[str]] | None) -> str | None:
    """{"vehicle": [...], ...} tidied (registrations upper case without spaces, duplicates dropped), as
    stored JSON, or None when there are none."""
    if not raw:
        return None
    known = {key for key, _label in IDENTIFIER_KINDS}
    tidy: dict[str, list[str]] = {}
    for kind, items in raw.items():
        if kind not in known:
            raise InputError(
                {"identifiers": _("Identifiers can be vehicle registrations, phone numbers or usernames.")}
            )
        seen: list[str] = []
        for item in items:
            value = " ".join(str(item).split())
            if kind == "vehicle":
                value = value.replace(" ", "").upper()
            if not value or value in seen:
                continue
            if len(value) > MAX_IDENTIFIER_LENGTH or "\x00" in value:
                raise InputError(
                    {
                        f"identifiers_{kind}": _("Each identifier must be %(limit)d characters or fewer.")
                        % {"limit": MAX_IDENTIFIER_LENGTH}
                    }
                )
            seen.append(value)
        if len(seen) > MAX_IDENTIFIERS:
            raise InputError(
                {
                    f"identifiers_{kind}": _("Give at most %(limit)d of each kind of identifier.")
                    % {"limit": MAX_IDENTIFIERS}
                }
            )
        if seen:
            tidy[kind] = seen
    return json.dumps(tidy, sort_keys=True, ensure_ascii=False) if tidy else None


def identifiers_of(stored: str | None) -> dict[str, list[str]]:
    return json.loads(stored) if stored else {}


async def _check_details(
    db: AsyncSession, case: Case, values: dict[str, Any], *, required: bool
) -> dict[str, Any]:
    """Check the details of an incident or amendment; return them ready to store."""
    values = {**values}
    for name in ("occurred_from", "occurred_to", "reported_at"):
        values[name] = as_utc(values.get(name))
    errors = check_times(values, required=required)
    if required and not (values.get("narrative") or "").strip():
        errors["narrative"] = _("Enter what happened.")
    _choice(errors, values, "kind", KINDS, _("Choose one of the types of incident."))
    _choice(errors, values, "how_known", HOW_KNOWN, _("Choose one of the ways of knowing it is true."))
    member = values.get("reported_by_member_id")
    if member is not None:
        found = await db.scalar(
            select(FamilyMember.id).where(FamilyMember.id == member, FamilyMember.case_id == case.id)
        )
        if found is None:
            errors["reported_by_member_id"] = _("Choose a family member of this case, or yourself.")
    if "identifiers" in values and not isinstance(values["identifiers"], (str, type(None))):
        try:
            values["identifiers"] = clean_identifiers(values["identifiers"])
        except InputError as exc:
            errors.update(exc.errors)
    if errors:
        raise InputError(errors)
    return {name: values.get(name) for name in DETAIL_FIELDS}


# --- writing the log ----------------------------------------------------------------------


async def record_incident(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Incident:
    """Record a new incident: only what happened and when are needed; the report defaults to now, by the worker."""
    details = await _check_details(db, case, values, required=True)
    details["reported_at"] = details["reported_at"] or _now()
    await _lock_log(db, case)
    number = (await db.scalar(select(func.max(Incident.number)).where(Incident.case_id == case.id)) or 0) + 1
    incident = Incident(
        case_id=case.id, number=number, recorded_by_id=actor.id, recorded_at=_now(), **details
    )
    await _append(db, case, "incident", incident)
    audit.record(db, "incident.recorded", actor, case_id=case.id, target=incident)
    return incident


async def incident_in_case(
    db: AsyncSession, case: Case, incident_id: UUID | None, field_name: str = "incident_id"
) -> Incident:
    """An incident of this case, or a 400 naming the field (an id is input here, not an address)."""
    row = None
    if incident_id is not None:
        row = await db.scalar(select(Incident).where(Incident.id == incident_id, Incident.case_id == case.id))
    if row is None:
        raise InputError({field_name: _("This case has no incident with that id.")})
    return row


async def amend_incident(
    db: AsyncSession, actor: Actor, case: Case, incident: Incident, values: dict[str, Any]
) -> Amendment:
    """Add a correction or more detail to an incident; the original is kept as it was."""
    note = (values.get("note") or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Say what you are correcting or adding, and why.")
    try:
        details = await _check_details(db, case, values, required=False)
    except InputError as exc:
        errors.update(exc.errors)
    if not errors:
        # The corrected times must still make sense with the incident's own.
        start = details["occurred_from"] or incident.occurred_from
        errors = check_times(
            {
                "occurred_from": start,
                "occurred_to": details["occurred_to"] if details["occurred_from"] else None,
                "reported_at": details["reported_at"],
            },
            required=True,
        )
    if errors:
        raise InputError(errors)
    await _lock_log(db, case)
    amendment = Amendment(
        case_id=case.id,
        incident_id=incident.id,
        note=note,
        recorded_by_id=actor.id,
        recorded_at=_now(),
        **details,
    )
    await _append(db, case, "amendment", amendment)
    audit.record(db, "incident.amended", actor, case_id=case.id, target=amendment)
    return amendment


async def add_evidence(
    db: AsyncSession, actor: Actor, case: Case, incident: Incident, filename: str | None, content: bytes
) -> Evidence:
    """Keep a file with an incident: its type from its content, at most 20 MB, hashed, encrypted."""
    if not content:
        raise InputError({"file": _("Choose a file to upload. The file you sent was empty.")})
    if len(content) > EVIDENCE_MAX_BYTES:
        raise InputError({"file": _("The file is too large. Files can be up to 20 MB.")})
    media_type = files.sniff(content)
    if media_type is None:
        raise InputError(
            {
                "file": _(
                    "This file is not a type we keep. Send a photo or screenshot (PNG, JPEG, GIF, WebP or HEIC) or a PDF."
                )
            }
        )
    name = (filename or "").strip()[:255] or "evidence"
    digest = files.sha256(content)
    evidence_id = uuid7()
    row = Evidence(
        id=evidence_id,
        case_id=case.id,
        incident_id=incident.id,
        filename=name,
        media_type=media_type,
        size_bytes=len(content),
        sha256=digest,
        content=files.encrypt(files_key(), evidence_id, digest, content),
        recorded_by_id=actor.id,
        recorded_at=_now(),
    )
    await _lock_log(db, case)
    await _append(db, case, "evidence", row)
    audit.record(db, "evidence.added", actor, case_id=case.id, target=row)
    return row


async def evidence_file(db: AsyncSession, actor: Actor, case: Case, evidence: Evidence) -> bytes:
    """The file's content, decrypted and checked against its SHA-256; the download is audited."""
    stored = await db.scalar(
        select(Evidence.content).where(Evidence.id == evidence.id, Evidence.case_id == case.id)
    )
    content = files.decrypt(files_key(), evidence.id, evidence.sha256, stored or b"")
    if (
        files.sha256(content) != evidence.sha256
    ):  # AES-GCM already guarantees this; say so if it ever does not
        raise RuntimeError(f"evidence {evidence.id} does not match its SHA-256")
    audit.record(db, "evidence.downloaded", actor, case_id=case.id, target=evidence)
    return content


async def pass_to_police(
    db: AsyncSession, actor: Actor, case: Case, incident_ids: Sequence[UUID], values: dict[str, Any]
) -> list[PoliceReferral]:
    """Record that these incidents (one or many, after a call) were passed to the police."""
    errors: dict[str, str] = {}
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        errors["incident_ids"] = _("Choose at least one incident.")
    found = (
        set(await db.scalars(select(Incident.id).where(Incident.case_id == case.id, Incident.id.in_(ids))))
        if ids
        else set()
    )
    if ids and found != set(ids):
        errors["incident_ids"] = _("This case has no incident with that id.")
    passed_on = values.get("passed_on") or dt.datetime.now(LONDON).date()
    if passed_on > dt.datetime.now(LONDON).date():
        errors["passed_on"] = _("The date it was passed on cannot be in the future.")
    passed_by = values.get("passed_by") or "worker"
    if passed_by not in {key for key, _label in PASSED_BY}:
        errors["passed_by"] = _("Choose who passed it on.")
    if errors:
        raise InputError(errors)
    await _lock_log(db, case)
    rows = []
    for incident_id in ids:
        row = PoliceReferral(
            case_id=case.id,
            incident_id=incident_id,
            passed_on=passed_on,
            passed_by=passed_by,
            crime_reference=values.get("crime_reference"),
            officer=values.get("officer"),
            recorded_by_id=actor.id,
            recorded_at=_now(),
        )
        await _append(db, case, "police", row)
        audit.record(db, "incident.passed_to_police", actor, case_id=case.id, target=row)
        rows.append(row)
    return rows


# --- reading the log ------------------------------------------------------------------------


def current_detail(original: Any, amendments: Sequence[Any], name: str) -> Any:
    """The latest value of a detail of an incident (`original`) given its `amendments`, oldest first:
    the newest amendment that sets it, else the original. Rows or table objects alike, read by name."""
    if name == "occurred_to":
        # The time is corrected as a pair: an amendment that moves the start says whether there is a window.
        for amendment in reversed(amendments):
            if amendment.occurred_from is not None:
                return amendment.occurred_to
        return original.occurred_to
    for amendment in reversed(amendments):
        value = getattr(amendment, name)
        if value is not None:
            return value
    return getattr(original, name)


def uk_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


@dataclass
class IncidentView:
    """An incident as it now stands (the original with its amendments applied), and everything with it."""

    incident: Incident
    amendments: list[Amendment] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    referrals: list[PoliceReferral] = field(default_factory=list)
    seq: dict[UUID, int] = field(default_factory=dict)  # entry id -> its place in the chain

    def current(self, name: str) -> Any:
        """The latest value of a detail: the newest amendment that sets it, else the original."""
        return current_detail(self.incident, self.amendments, name)

    @property
    def occurred_from(self) -> dt.datetime:
        return self.current("occurred_from")

    @property
    def occurred_to(self) -> dt.datetime | None:
        return self.current("occurred_to")

    @property
    def kind(self) -> str | None:
        return self.current("kind")

    @property
    def local_day(self) -> dt.date:
        return uk_day(self.occurred_from)

    @property
    def identifiers(self) -> dict[str, list[str]]:
        """Every identifier noted, in the original and any amendment (identifiers are added, not replaced)."""
        merged: dict[str, list[str]] = defaultdict(list)
        for stored in [self.incident.identifiers, *(a.identifiers for a in self.amendments)]:
            for kind, items in identifiers_of(stored).items():
                merged[kind].extend(i for i in items if i not in merged[kind])
        return dict(merged)

    @property
    def passed_to_police(self) -> bool:
        return bool(self.referrals)

    @property
    def entries(self) -> list[Incident | Amendment | Evidence | PoliceReferral]:
        """The incident and everything added to it."""
        return [self.incident, *self.amendments, *self.evidence, *self.referrals]


async def incident_views(
    db: AsyncSession, case_id: UUID, ids: Iterable[UUID] | None = None
) -> list[IncidentView]:
    """Every incident of the case (or those with `ids`), oldest recorded first, with what belongs to it."""
    query = select(Incident).where(Incident.case_id == case_id).order_by(Incident.number)
    if ids is not None:
        query = query.where(Incident.id.in_(list(ids)))
    views = {i.id: IncidentView(i) for i in await db.scalars(query)}
    if not views:
        return []
    seq = dict(
        (
            await db.execute(select(ChainLink.entry_id, ChainLink.seq).where(ChainLink.case_id == case_id))
        ).all()
    )
    parts: tuple[tuple[Any, str], ...] = (
        (Amendment, "amendments"),
        (Evidence, "evidence"),
        (PoliceReferral, "referrals"),
    )
    for model, attr in parts:
        rows = await db.scalars(
            select(model)
            .where(model.case_id == case_id, model.incident_id.in_(list(views)))
            .order_by(model.recorded_at, model.id)
        )
        for row in rows:
            getattr(views[row.incident_id], attr).append(row)
    for view in views.values():
        view.seq = seq
    return list(views.values())


async def member_names(db: AsyncSession, case_id: UUID) -> dict[UUID, str]:
    return {
        m.id: m.name for m in await db.scalars(select(FamilyMember).where(FamilyMember.case_id == case_id))
    }


async def verify_case(db: AsyncSession, case_id: UUID, *, check_files: bool = False) -> chain.Verdict:
    """Check the case's chain against every log row as it now is in the database."""
    links = [
        chain.Link(row.seq, row.entry_type, row.entry_id, row.link)
        for row in await db.scalars(select(ChainLink).where(ChainLink.case_id == case_id))
    ]
    rows: dict[UUID, tuple[str, Any]] = {}
    for entry_type, model in ENTRY_TYPES.items():
        query = select(model).where(model.case_id == case_id)  # type: ignore[attr-defined]
        if check_files and model is Evidence:
            query = query.options(undefer(Evidence.content))
        for row in await db.scalars(query):
            rows[row.id] = (entry_type, row)
    key = chain_key()
    forms: dict[UUID, bytes | None] = {}
    for item in links:
        found = rows.get(item.entry_id)
        forms[item.entry_id] = (
            canonical_form(found[0], found[1], item.seq)
            if found is not None and found[0] == item.entry_type
            else None
        )
    linked = {item.entry_id for item in links}
    unlinked = [(entry_type, row_id) for row_id, (entry_type, _row) in rows.items() if row_id not in linked]
    verdict = chain.verify(key, links, forms, unlinked)
    if verdict.intact and check_files:
        for item in sorted(links, key=lambda link: link.seq):
            entry_type, row = rows[item.entry_id]
            if entry_type != "evidence":
                continue
            try:
                files.decrypt(files_key(), row.id, row.sha256, row.content)
            except Exception:  # noqa: BLE001 - any failure to decrypt means the stored file was altered
                return chain.Verdict(
                    verdict.entries,
                    verdict.last_link,
                    item.seq,
                    f"entry {item.seq} (evidence {row.id}): the stored file no longer matches its SHA-256",
                )
    return verdict


async def cases_with_incidents(db: AsyncSession) -> list[Case]:
    ids = select(ChainLink.case_id).distinct()
    others = [select(model.case_id).distinct() for model in ENTRY_TYPES.values()]  # type: ignore[attr-defined]
    found: set[UUID] = set(await db.scalars(ids))
    for query in others:
        found |= set(await db.scalars(query))
    return (
        list(await db.scalars(select(Case).where(Case.id.in_(found)).order_by(Case.reference)))
        if found
        else []
    )


def in_range(views: Iterable[IncidentView], start: dt.date | None, end: dt.date | None) -> list[IncidentView]:
    """The incidents that happened (started) between `start` and `end`, both days included, UK dates."""
    return [
        v for v in views if (start is None or v.local_day >= start) and (end is None or v.local_day <= end)
    ]


async def links_for(db: AsyncSession, case_id: UUID) -> dict[UUID, str]:
    """Each log entry's own link, by entry id."""
    return dict(
        (
            await db.execute(select(ChainLink.entry_id, ChainLink.link).where(ChainLink.case_id == case_id))
        ).all()
    )


async def summary_for_witness_pack(
    db: AsyncSession, case_id: UUID, *, include_narratives: bool = False
) -> list[dict[str, Any]]:
    """For the Witness Service pack: each incident's date, kind and police reference; what happened only
    when the worker ticked that for this pack.

    Reads only what the pack shows, as incident_views would give it: the time, kind (and narrative) of
    each incident and its amendments, and the crime references it was passed on with. Loading whole
    views (every encrypted detail decrypted, the chain positions, the evidence rows) was most of a
    pack's time spent in the database, for a hundred incidents."""
    shown = ("occurred_from", "kind", "narrative") if include_narratives else ("occurred_from", "kind")
    incidents = (
        await db.execute(
            select(Incident.id, *(getattr(Incident, name) for name in shown))
            .where(Incident.case_id == case_id)
            .order_by(Incident.number)
        )
    ).all()
    if not incidents:
        return []
    amendments: dict[UUID, list[Any]] = {row.id: [] for row in incidents}
    for row in await db.execute(
        select(Amendment.incident_id, *(getattr(Amendment, name) for name in shown))
        .where(Amendment.case_id == case_id)
        .order_by(Amendment.recorded_at, Amendment.id)
    ):
        if row.incident_id in amendments:  # as incident_views, which asks for the case's incidents' own
            amendments[row.incident_id].append(row)
    references: dict[UUID, list[str]] = defaultdict(list)
    for row in await db.execute(
        select(PoliceReferral.incident_id, PoliceReferral.crime_reference)
        .where(PoliceReferral.case_id == case_id)
        .order_by(PoliceReferral.recorded_at, PoliceReferral.id)
    ):
        if row.crime_reference and row.incident_id in amendments:
            references[row.incident_id].append(row.crime_reference)
    kinds = dict(KINDS)
    rows = []
    for incident in sorted(
        incidents, key=lambda i: current_detail(i, amendments[i.id], "occurred_from")
    ):  # sorted() keeps the log's order among incidents at the same time, as before
        changes = amendments[incident.id]
        kind = current_detail(incident, changes, "kind")
        what = kinds.get(kind or "", kind or "")
        if include_narratives:
            what = f"{what}: {current_detail(incident, changes, 'narrative')}"
        rows.append(
            {
                "when": uk_day(current_detail(incident, changes, "occurred_from")).strftime("%d %b %Y"),
                "what": what,
                "police_reference": ", ".join(references[incident.id]),
            }
        )
    return rows
