"""The audit trail in plain words: what each action name means, the kinds a manager filters by, the
filters read from an address, and the trail as CSV for the data protection officer.

No database here and nothing that changes an event: the trail stays append-only; this only reads it
out. Names of people are handed in (decrypted at display only, by `accounts.services.names_for`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlalchemy import ColumnElement, and_, false, not_, or_

from courtjourney.accounts.models import AuditEvent
from courtjourney.i18n import LONDON, N_
from courtjourney.i18n import gettext as _

#: Each action name the code records, as a plain sentence about `who`. An action not here is still
#: shown, from its name (`readable_name`), never an error.
PHRASES: dict[str, str] = {
    # reading
    "case.read": N_("%(who)s opened the case"),
    "case.change": N_("%(who)s sent a change to the case"),
    "case.listed": N_("%(who)s saw the case in a list"),
    "case.searched": N_("%(who)s found the case by searching"),
    "case.timeline_viewed": N_("%(who)s looked at the case's timeline"),
    "case.denied": N_("%(who)s was refused"),
    "document.debrief_viewed": N_("%(who)s looked at a debrief letter"),
    "message.opened": N_("%(who)s opened a message"),
    "referral.read": N_("%(who)s opened the referral"),
    "referral.listed": N_("%(who)s saw the referral in a list"),
    "referral.change": N_("%(who)s sent a change to the referral"),
    "referral.denied": N_("%(who)s was refused the referral"),
    "report.submitted_viewed": N_("%(who)s looked at a submitted report"),
    # the case and its people
    "case.opened": N_("%(who)s opened a new case"),
    "case.closed": N_("%(who)s closed the case"),
    "case.purged": N_("%(who)s removed the case's details for good"),
    "case.deleted": N_("%(who)s deleted the case: it was opened in error"),
    "case.stage_moved": N_("%(who)s moved the case to another stage"),
    "case.worker_assigned": N_("%(who)s added a colleague to the case"),
    "case.worker_removed": N_("%(who)s took a colleague off the case"),
    "case.corrected": N_("%(who)s corrected the child's details"),
    "family.added": N_("%(who)s added a family member"),
    "family.corrected": N_("%(who)s corrected a family member's details"),
    "member.reach_changed": N_("%(who)s changed how to reach a family member"),
    "consent.recorded": N_("%(who)s recorded consent to share"),
    "consent.withdrawn": N_("%(who)s recorded that consent was withdrawn"),
    "contact.added": N_("%(who)s added a key contact"),
    "key_contact.corrected": N_("%(who)s corrected a key contact's details"),
    "contact.recorded": N_("%(who)s recorded a contact with the family"),
    "contact.corrected": N_("%(who)s corrected a contact log entry"),
    "risk.assessed": N_("%(who)s recorded a risk assessment"),
    "risk.corrected": N_("%(who)s corrected a risk assessment"),
    "family_outcome.measure_recorded": N_("%(who)s recorded how a parent rated the support"),
    "family_outcome.exit_survey_recorded": N_("%(who)s recorded the exit survey"),
    "family_outcome.equality_recorded": N_("%(who)s recorded equality monitoring answers"),
    "family_outcome.items_reworded": N_("%(who)s changed the wording of the outcome measure"),
    "task.added": N_("%(who)s added a task"),
    "task.changed": N_("%(who)s changed a task"),
    "task.removed": N_("%(who)s removed a task that did not apply"),
    "deadlines.tasks_updated": N_("%(who)s updated the tasks for the deadlines"),
    # court
    "proceeding.added": N_("%(who)s added a proceeding"),
    "proceeding.changed": N_("%(who)s changed a proceeding"),
    "charge.added": N_("%(who)s added a charge"),
    "hearing.added": N_("%(who)s added a hearing"),
    "hearing.changed": N_("%(who)s changed a hearing"),
    "hearing.attendance_changed": N_("%(who)s changed who is going to a hearing"),
    "hearing.child_attendance": N_("%(who)s recorded how the child will give evidence at a hearing"),
    "hearing.family_told": N_("%(who)s recorded that the family was told about a hearing"),
    "special_measure.added": N_("%(who)s added a special measure"),
    "outcome.recorded": N_("%(who)s recorded an outcome"),
    "outcome.changed": N_("%(who)s changed an outcome"),
    "plan.item_added": N_("%(who)s added to the support plan"),
    "plan.item_changed": N_("%(who)s changed the support plan"),
    "plan.review_done": N_("%(who)s recorded a support plan review"),
    "plan.reviews_set": N_("%(who)s set the support plan reviews"),
    # intimidation
    "incident.recorded": N_("%(who)s recorded an incident"),
    "incident.amended": N_("%(who)s amended an incident"),
    "incident.passed_to_police": N_("%(who)s passed an incident to the police"),
    "evidence.added": N_("%(who)s added evidence to an incident"),
    "evidence.downloaded": N_("%(who)s downloaded evidence"),
    # documents, sharing, calendars, messages
    "document.produced": N_("%(who)s produced a document"),
    "document.debrief_produced": N_("%(who)s produced a debrief document"),
    "document.downloaded": N_("%(who)s downloaded a document"),
    "document.shared": N_("%(who)s shared a document"),
    "document.share_revoked": N_("%(who)s stopped sharing a document"),
    "document.link_used": N_("A shared link to a document was used"),
    "document.link_refused": N_("A shared link to a document was refused"),
    "calendar.created": N_("%(who)s made a calendar link"),
    "calendar.fetched": N_("A calendar link was read"),
    "calendar.revoked": N_("%(who)s stopped a calendar link"),
    "message.queued": N_("%(who)s queued a message to the family"),
    "message.sent": N_("A message to the family was sent"),
    "message.failed": N_("A message to the family could not be sent"),
    "message.sent_by_hand": N_("%(who)s recorded a message sent by hand"),
    "message.acknowledged": N_("%(who)s recorded that a message was acknowledged"),
    # referrals, reports, teams, the glossary
    "referral.recorded": N_("%(who)s recorded a referral"),
    "referral.accepted": N_("%(who)s accepted the referral"),
    "referral.declined": N_("%(who)s declined the referral"),
    "referral.waiting": N_("%(who)s put the referral on the waiting list"),
    "referral.withdrawn": N_("%(who)s recorded that the referral was withdrawn"),
    "referral.safe_contact_confirmed": N_("%(who)s confirmed a safe way to contact the family"),
    "report.made": N_("%(who)s made a report"),
    "report.submitted": N_("%(who)s submitted a report"),
    "report.submitted_listed": N_("%(who)s saw a list of submitted reports"),
    "team.contact_standard_changed": N_("%(who)s changed the team's contact standard"),
    "glossary.local_added": N_("%(who)s added a local glossary entry"),
    "glossary.local_changed": N_("%(who)s changed a local glossary entry"),
    "glossary.local_removed": N_("%(who)s removed a local glossary entry"),
    # accounts
    "account.created": N_("%(who)s made an account"),
    "account.changed": N_("%(who)s changed an account's role or team"),
    "account.team_added": N_("%(who)s added a team"),
    "account.disabled": N_("%(who)s turned off an account"),
    "account.enabled": N_("%(who)s turned an account back on"),
    "account.reset": N_("%(who)s reset an account"),
    "account.password_changed": N_("%(who)s changed their password"),
    "account.setup_completed": N_("%(who)s finished setting up their account"),
    "account.setup_link_issued": N_("%(who)s sent an account set-up link"),
    "account.signed_in": N_("%(who)s signed in"),
    "account.signed_out": N_("%(who)s signed out"),
    "account.sign_in_refused": N_("%(who)s was refused sign-in"),
    "account.token_made": N_("%(who)s made an API token"),
    "account.token_revoked": N_("%(who)s revoked an API token"),
    "account.tokens_revoked": N_("%(who)s revoked every API token of an account"),
    # this trail
    "audit.exported": N_("%(who)s downloaded the audit trail"),
}

#: What a read names when it names a record of the case (the guard's address kinds and table names).
TARGET_WORDS: dict[str, str] = {
    "hearing": N_("%(who)s opened a hearing"),
    "incident": N_("%(who)s opened an incident"),
    "document": N_("%(who)s opened a document"),
    "produced_document": N_("%(who)s opened a document"),
    "evidence": N_("%(who)s opened evidence"),
    "incident_evidence": N_("%(who)s opened evidence"),
    "proceeding": N_("%(who)s opened a proceeding"),
    "outcome": N_("%(who)s opened an outcome"),
    "task": N_("%(who)s opened a task"),
    "case_task": N_("%(who)s opened a task"),
}

#: The pages a target has, under /cases/{case_id}: its kind -> the path part before its id.
TARGET_PAGES: dict[str, str] = {
    "hearing": "hearings",
    "incident": "incidents",
    "document": "documents",
    "produced_document": "documents",
    "evidence": "evidence",
    "incident_evidence": "evidence",
    "proceeding": "proceedings",
    "outcome": "outcomes",
}

#: Outcomes other than "ok", in words.
OUTCOME_WORDS: dict[str, str] = {
    "denied": N_("refused"),
    "refused": N_("refused"),
    "not found": N_("not found"),
}

READS = frozenset(
    {
        "case.read",
        "case.listed",
        "case.searched",
        "case.timeline_viewed",
        "document.debrief_viewed",
        "message.opened",
        "referral.read",
        "referral.listed",
        "report.submitted_viewed",
        "report.submitted_listed",
    }
)
SHARING = frozenset(
    {
        "document.produced",
        "document.debrief_produced",
        "document.downloaded",
        "document.shared",
        "document.share_revoked",
        "document.link_used",
        "evidence.downloaded",
        "incident.passed_to_police",
        "calendar.created",
        "calendar.fetched",
        "calendar.revoked",
        "audit.exported",
    }
)
REFUSALS = frozenset({"case.denied", "referral.denied", "document.link_refused", "account.sign_in_refused"})


def _refused() -> ColumnElement[bool]:
    return or_(AuditEvent.outcome != "ok", AuditEvent.action.in_(REFUSALS))


def _account() -> ColumnElement[bool]:
    return AuditEvent.action.startswith("account.")


def _kind_condition(kind: str) -> ColumnElement[bool]:
    """The events of one kind, as SQL: every refused attempt is a refusal, whatever its action."""
    if kind == "refused":
        return _refused()
    if kind == "account":
        return and_(_account(), not_(_refused()))
    ok = and_(not_(_refused()), not_(_account()))
    if kind == "reads":
        return and_(ok, AuditEvent.action.in_(READS))
    if kind == "sharing":
        return and_(ok, AuditEvent.action.in_(SHARING))
    if kind == "changes":
        return and_(ok, AuditEvent.action.not_in(READS | SHARING))
    return false()


#: The kinds a manager can filter by, in the order offered.
KINDS: dict[str, str] = {
    "reads": N_("Reads"),
    "changes": N_("Changes"),
    "sharing": N_("Sharing and downloads"),
    "refused": N_("Refused attempts"),
    "account": N_("Account events"),
}


def kind_of(event: AuditEvent) -> str:
    """The kind an event is filed under (the same rule as the SQL filter above)."""
    if event.outcome != "ok" or event.action in REFUSALS:
        return "refused"
    if event.action.startswith("account."):
        return "account"
    if event.action in READS:
        return "reads"
    if event.action in SHARING:
        return "sharing"
    return "changes"


def readable_name(action: str) -> str:
    """An action nobody has given words yet, readable from its name: "plan.item_added" -> "plan: item added"."""
    part, _dot, rest = action.partition(".")
    words = re.sub(r"[_.]+", " ", rest or part).strip()
    return f"{part.replace('_', ' ')}: {words}" if rest else words


def who_of(names: Mapping[UUID, str], actor_id: UUID | None) -> str:
    if actor_id is None:
        return _("The system")
    return names.get(actor_id) or _("A former user")


def phrase(event: AuditEvent, names: Mapping[UUID, str]) -> str:
    """The event as a sentence: "Bea Smith changed a hearing", "Adam Admin was refused"."""
    who = who_of(names, event.actor_id)
    template = PHRASES.get(event.action)
    if event.action == "case.read" and event.target_type in TARGET_WORDS:
        template = TARGET_WORDS[event.target_type]
    elif event.action == "case.read" and (event.route or "").endswith(("/audit", "/audit.csv")):
        template = N_("%(who)s looked at this audit trail")
    if template is None:
        text = _("%(who)s: %(action)s") % {"who": who, "action": readable_name(event.action)}
    else:
        text = _(template) % {"who": who}
    if event.outcome != "ok" and event.action not in REFUSALS:
        outcome = OUTCOME_WORDS.get(event.outcome)
        text += " (" + (_(outcome) if outcome else event.outcome) + ")"
    return text


def target_link(event: AuditEvent) -> str | None:
    """The page of the record the event names, where it is a hearing, incident or document of the case."""
    page = TARGET_PAGES.get(event.target_type or "")
    if page is None or event.target_id is None or event.case_id is None:
        return None
    return f"/cases/{event.case_id}/{page}/{event.target_id}"


# ---- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailFilter:
    """Which events of a case's trail to show: one person, one kind, days from and to (UK dates)."""

    who: UUID | None = None
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.who is not None:
            found.append(AuditEvent.actor_id == self.who)
        if self.kind is not None:
            found.append(_kind_condition(self.kind))
        if self.start is not None:
            found.append(AuditEvent.created_at >= uk_midnight(self.start))
        if self.end is not None:
            found.append(AuditEvent.created_at < uk_midnight(self.end + dt.timedelta(days=1)))
        return found

    def query(self, before: UUID | None = None) -> str:
        """The filters as an address's query (`?who=…&kind=reads&from=1/12/2026`), "" when none."""
        pairs = [
            ("who", str(self.who) if self.who else ""),
            ("kind", self.kind or ""),
            ("from", uk_date(self.start) if self.start else ""),
            ("to", uk_date(self.end) if self.end else ""),
            ("before", str(before) if before else ""),
        ]
        kept = [(k, v) for k, v in pairs if v]
        return "?" + urlencode(kept) if kept else ""

    @property
    def active(self) -> bool:
        return any((self.who, self.kind, self.start, self.end))


def uk_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in UK time, in UTC (a day in the trail is a day as the office lived it)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


def uk_date(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


FIRST_YEAR, LAST_YEAR = 2000, 2200
_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def parse_uk_date(text: str) -> dt.date:
    """A date as written in the UK ("3/12/2026", "03/12/2026"), or as a date box sends it ("2026-12-03")."""
    match = _UK_DATE.match(text)
    if match:
        day, month, year = (int(n) for n in match.groups())
        return dt.date(year, month, day)  # ValueError for 31/2/2026
    return dt.date.fromisoformat(text.strip())


def read_filter(query: Mapping[str, str], people: Iterable[UUID]) -> tuple[TrailFilter, dict[str, str]]:
    """The filters an address asks for, and what is wrong with them in plain words (field -> message).

    A filter that is wrong is left out, so the page still shows (with the error), never a 500.
    """
    errors: dict[str, str] = {}
    who: UUID | None = None
    raw_who = (query.get("who") or "").strip()
    if raw_who:
        try:
            who = UUID(raw_who)
        except ValueError:
            who = None
        if who is None or who not in set(people):
            errors["who"] = _("Choose a person from the list.")
            who = None
    kind = (query.get("kind") or "").strip() or None
    if kind is not None and kind not in KINDS:
        errors["kind"] = _("Choose a kind of event from the list.")
        kind = None
    days: dict[str, dt.date | None] = {}
    for key, label in (("from", _("The 'from' date")), ("to", _("The 'to' date"))):
        raw = (query.get(key) or "").strip()
        days[key] = None
        if raw:
            try:
                day: dt.date | None = parse_uk_date(raw)
            except ValueError:
                day = None
            # Years far off are refused too: the trail began this century, and 31/12/9999 has no next day.
            if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
                errors[key] = _("%(label)s must be a real date, like 3/12/2026.") % {"label": label}
            else:
                days[key] = day
    start, end = days["from"], days["to"]
    if start and end and start > end:
        errors["to"] = _("The 'to' date must be the same as or after the 'from' date.")
        end = None
    return TrailFilter(who=who, kind=kind, start=start, end=end), errors


def read_before(query: Mapping[str, str]) -> tuple[UUID | None, str | None]:
    raw = (query.get("before") or "").strip()
    if not raw:
        return None, None
    try:
        return UUID(raw), None
    except ValueError:
        return None, _("That page of the trail does not exist. Start again from the newest events.")


# ---- CSV --------------------------------------------------------------------------------------

#: A cell starting with one of these is read as a formula by spreadsheets: CSV injection.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_HEADINGS = (
    N_("When (UK time)"),
    N_("Who"),
    N_("What"),
    N_("Action"),
    N_("Target type"),
    N_("Target id"),
    N_("Route"),
    N_("Outcome"),
    N_("Address"),
)


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs: '=SUM(…)' is written "'=SUM(…)"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_rows(events: Iterable[AuditEvent], names: Mapping[UUID, str]) -> Iterable[list[str]]:
    for e in events:
        yield [
            safe_cell(cell)
            for cell in (
                e.created_at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M:%S"),
                who_of(names, e.actor_id),
                phrase(e, names),
                e.action,
                e.target_type,
                e.target_id,
                " ".join(p for p in (e.method, e.route) if p),
                e.outcome,
                e.address,
            )
        ]


def to_csv(events: Iterable[AuditEvent], names: Mapping[UUID, str], *, more: bool = False) -> bytes:
    """The trail as CSV (UTF-8 with a byte order mark, so spreadsheets read Welsh and accents rightly).

    `more`: there are older events than the file holds, which its last line says (never cut silently).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_(h) for h in CSV_HEADINGS])
    writer.writerows(csv_rows(events, names))
    if more:
        writer.writerow(
            ["", "", _("There are older events than one file holds: download a shorter date range too.")]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
