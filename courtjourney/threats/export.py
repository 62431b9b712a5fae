"""The police export: every incident in a date range with its amendments, provenance, evidence and police
references, as CSV and as a Word document, with the chain's last link. Pure: no database here.

Times are UK local time with their offset (what an officer reads). Every entry carries its place in the
chain and its own link, and the export ends with the last link of the whole log at the time of export,
so a later export (or a check we run for the police) shows whether anything was removed since.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from courtjourney.i18n import LONDON
from courtjourney.threats.chain import Verdict
from courtjourney.threats.rules import HOW_KNOWN, KINDS, PASSED_BY
from courtjourney.threats.services import IncidentView, identifiers_of

CSV_COLUMNS = (
    "entry",
    "chain_position",
    "link",
    "incident_number",
    "incident_id",
    "entry_id",
    "recorded_at",
    "recorded_by",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "reported_by",
    "type",
    "place",
    "people_described",
    "vehicle_registrations",
    "phone_numbers",
    "usernames",
    "what_happened",
    "how_known",
    "how_known_detail",
    "original_evidence_kept",
    "amendment_note",
    "file_name",
    "file_type",
    "file_bytes",
    "file_sha256",
    "passed_to_police_on",
    "passed_by",
    "crime_reference",
    "officer",
)
LABELS = {**dict(KINDS), **{f"how:{k}": v for k, v in HOW_KNOWN}, **{f"by:{k}": v for k, v in PASSED_BY}}


def when(value: dt.datetime | None) -> str:
    return value.astimezone(LONDON).isoformat(timespec="minutes") if value else ""


def readable(value: dt.datetime | None) -> str:
    return value.astimezone(LONDON).strftime("%d %b %Y %H:%M") if value else ""


def occurrence(start: dt.datetime | None, end: dt.datetime | None) -> str:
    return f"between {readable(start)} and {readable(end)}" if end else readable(start)


@dataclass(frozen=True)
class Names:
    """Display names for the ids an entry holds (workers, family members)."""

    users: Mapping[UUID, str]
    members: Mapping[UUID, str]

    def user(self, user_id: UUID | None) -> str:
        return self.users.get(user_id, "") if user_id else ""

    def reporter(self, member_id: UUID | None, recorder: UUID | None) -> str:
        if member_id:
            return self.members.get(member_id, "a family member")
        return f"{self.user(recorder)} (worker)"


def _safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (text starting = + - @ gets a leading apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _details(source: Any, names: Names, *, reporter: bool) -> dict[str, Any]:
    ids = identifiers_of(source.identifiers)
    row = {
        "occurred_from": when(source.occurred_from),
        "occurred_to": when(source.occurred_to),
        "reported_at": when(source.reported_at),
        "type": LABELS.get(source.kind, "") if source.kind else "",
        "place": source.place,
        "people_described": source.people,
        "vehicle_registrations": "; ".join(ids.get("vehicle", [])),
        "phone_numbers": "; ".join(ids.get("phone", [])),
        "usernames": "; ".join(ids.get("username", [])),
        "what_happened": source.narrative,
        "how_known": LABELS.get(f"how:{source.how_known}", "") if source.how_known else "",
        "how_known_detail": source.how_known_detail,
        "original_evidence_kept": source.evidence_kept,
    }
    if reporter or source.reported_by_member_id:
        row["reported_by"] = names.reporter(source.reported_by_member_id, source.recorded_by_id)
    return row


def csv_bytes(
    views: Sequence[IncidentView], links: Mapping[UUID, str], verdict: Verdict, names: Names
) -> bytes:
    """One row per entry (incident, then its amendments, files and police referrals), then the chain's end."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()

    def write(entry: str, row_id: UUID, view: IncidentView, recorded: Any, extra: dict[str, Any]) -> None:
        row = {
            "entry": entry,
            "chain_position": view.seq.get(row_id, ""),
            "link": links.get(row_id, ""),
            "incident_number": view.incident.number,
            "incident_id": view.incident.id,
            "entry_id": row_id,
            "recorded_at": when(recorded.recorded_at),
            "recorded_by": names.user(recorded.recorded_by_id),
            **extra,
        }
        writer.writerow({k: _safe(v) for k, v in row.items()})

    for view in views:
        incident = view.incident
        write("incident", incident.id, view, incident, _details(incident, names, reporter=True))
        for amendment in view.amendments:
            write(
                "amendment",
                amendment.id,
                view,
                amendment,
                {**_details(amendment, names, reporter=False), "amendment_note": amendment.note},
            )
        for item in view.evidence:
            write(
                "evidence",
                item.id,
                view,
                item,
                {
                    "file_name": item.filename,
                    "file_type": item.media_type,
                    "file_bytes": item.size_bytes,
                    "file_sha256": item.sha256,
                },
            )
        for referral in view.referrals:
            write(
                "police",
                referral.id,
                view,
                referral,
                {
                    "passed_to_police_on": referral.passed_on.isoformat(),
                    "passed_by": LABELS[f"by:{referral.passed_by}"],
                    "crime_reference": referral.crime_reference,
                    "officer": referral.officer,
                },
            )
    writer.writerow(
        {
            "entry": "chain_end",
            "chain_position": verdict.entries,
            "link": verdict.last_link,
            "what_happened": chain_sentence(verdict),
        }
    )
    return out.getvalue().encode("utf-8-sig")  # the byte-order mark makes Excel read UTF-8


def chain_sentence(verdict: Verdict) -> str:
    if verdict.intact:
        return (
            f"The whole log has {verdict.entries} entries and was checked intact when this was exported. "
            f"Its last link is {verdict.last_link}."
        )
    return f"WARNING: the log was NOT intact when this was exported: {verdict.problem}."


def _pairs(details: dict[str, Any], labels: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {"label": label, "value": str(details[key])}
        for key, label in labels
        if details.get(key) not in (None, "")
    ]


DETAIL_LABELS = (
    ("occurred", "When it happened"),
    ("reported_at", "Reported"),
    ("reported_by", "Reported by"),
    ("type", "Type"),
    ("place", "Where"),
    ("people_described", "Who was involved, as described"),
    ("vehicle_registrations", "Vehicle registrations"),
    ("phone_numbers", "Phone numbers"),
    ("usernames", "Usernames"),
    ("what_happened", "What happened"),
    ("how_known", "How do they know it is true?"),
    ("how_known_detail", "More about how they know"),
    ("original_evidence_kept", "Where the original is kept"),
    ("recorded", "Recorded"),
)


def _readable_details(source: Any, names: Names, *, reporter: bool) -> dict[str, Any]:
    details = _details(source, names, reporter=reporter)
    if source.occurred_from:
        details["occurred"] = occurrence(source.occurred_from, source.occurred_to)
    details["reported_at"] = readable(source.reported_at)
    details["recorded"] = f"{readable(source.recorded_at)} by {names.user(source.recorded_by_id)}"
    return details


def docx_context(
    *,
    reference: str,
    child_name: str,
    start: dt.date | None,
    end: dt.date | None,
    prepared_by: str,
    views: Sequence[IncidentView],
    links: Mapping[UUID, str],
    verdict: Verdict,
    names: Names,
    today: dt.date,
) -> dict[str, Any]:
    """Everything templates/docx/police_export.docx asks for."""
    period = (f"from {start:%d %B %Y}" if start else "from the start of the log") + (
        f" to {end:%d %B %Y}" if end else " to today"
    )
    incidents = []
    for view in views:
        first = view.incident
        incidents.append(
            {
                "heading": f"Incident {first.number}: {occurrence(first.occurred_from, first.occurred_to)}",
                "position": f"Chain position {view.seq.get(first.id, '?')}, link {links.get(first.id, '')}",
                "rows": _pairs(_readable_details(first, names, reporter=True), DETAIL_LABELS),
                "amendments": [
                    {
                        "heading": f"Amendment recorded {readable(a.recorded_at)}",
                        "position": f"Chain position {view.seq.get(a.id, '?')}, link {links.get(a.id, '')}",
                        "rows": [
                            {"label": "What is corrected or added, and why", "value": a.note},
                            *_pairs(_readable_details(a, names, reporter=False), DETAIL_LABELS),
                        ],
                    }
                    for a in view.amendments
                ],
                "files": [
                    {
                        "name": e.filename,
                        "type": e.media_type,
                        "size": f"{e.size_bytes:,} bytes",
                        "sha256": e.sha256,
                    }
                    for e in view.evidence
                ],
                "police": [
                    {
                        "on": f"{r.passed_on:%d %b %Y}",
                        "by": LABELS[f"by:{r.passed_by}"],
                        "reference": r.crime_reference or "",
                        "officer": r.officer or "",
                    }
                    for r in view.referrals
                ],
            }
        )
    return {
        "title": f"Incident log for the police: {reference}",
        "reference": reference,
        "child_name": child_name,
        "period": period,
        "prepared": f"Prepared by {prepared_by} on {today:%d %B %Y}.",
        "count": f"{len(views)} incident{'s' if len(views) != 1 else ''} in this period.",
        "chain": chain_sentence(verdict),
        "summary": [
            {
                "number": str(v.incident.number),
                "when": occurrence(v.occurred_from, v.occurred_to),
                "type": LABELS.get(v.kind, "") if v.kind else "Not recorded",
                "police": "; ".join(
                    f"{r.passed_on:%d %b %Y}" + (f", {r.crime_reference}" if r.crime_reference else "")
                    for r in v.referrals
                )
                or "Not yet",
            }
            for v in views
        ],
        "incidents": incidents,
    }
