"""What the Witness Service pack reads from the incident log: the same as the full incident views give."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.settings import Settings
from courtjourney.threats import services
from courtjourney.threats.rules import KINDS
from tests.conftest import World, in_db


async def from_views(db: AsyncSession, case_id: uuid.UUID, include_narratives: bool) -> list[dict[str, Any]]:
    """The pack's summary worked out from the whole incident views, as it was before it read less."""
    kinds = dict(KINDS)
    rows = []
    for view in sorted(await services.incident_views(db, case_id), key=lambda v: v.occurred_from):
        what = kinds.get(view.kind or "", view.kind or "")
        if include_narratives:
            what = f"{what}: {view.current('narrative')}"
        references = ", ".join(r.crime_reference for r in view.referrals if r.crime_reference)
        rows.append({"when": view.local_day.strftime("%d %b %Y"), "what": what, "police_reference": references})
    return rows


def test_the_pack_summary_reads_amendments_and_references_as_the_incident_views_do(
    client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID
) -> None:
    auth = world.worker.auth
    at = dt.datetime(2026, 10, 5, 23, 30, tzinfo=dt.UTC)  # 00:30 in London: the UK day is the next one

    def record(hours: float, **body: Any) -> str:
        payload = {"narrative": f"Seen {hours}h in.", "occurred_from": (at + dt.timedelta(hours=hours)).isoformat(), **body}
        response = client.post(f"/api/cases/{case}/incidents", headers=auth, json=payload)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def amend(incident: str, **body: Any) -> None:
        response = client.post(f"/api/cases/{case}/amendments", headers=auth,
                               json={"incident_id": incident, "note": "Checked with the mother.", **body})
        assert response.status_code == 201, response.text

    first = record(0, kind="phone_call")
    second = record(48, kind="followed_watched")
    third = record(48)  # no kind, and at the same time as the second: the log's order decides
    fourth = record(96, kind="damage")
    amend(first, kind="messages_online", narrative="It was a video call.")
    amend(first, note="Only a note, nothing corrected.")
    amend(fourth, occurred_from=(at - dt.timedelta(days=2)).isoformat())  # now the earliest
    amend(fourth, narrative="The window was broken, not cracked.")
    for ids, reference in (([first, third], "DC/12345/26"), ([first], None), ([first], "DC/999/26")):
        response = client.post(f"/api/cases/{case}/police-referrals", headers=auth,
                               json={"incident_ids": ids, "crime_reference": reference, "officer": "PC 1234"})
        assert response.status_code == 201, response.text

    async def both(db: AsyncSession) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        return [(await services.summary_for_witness_pack(db, case, include_narratives=n), await from_views(db, case, n))
                for n in (False, True)]

    (plain, plain_expected), (told, told_expected) = in_db(settings, both)
    assert plain == plain_expected and told == told_expected
    assert [row["when"] for row in plain] == ["04 Oct 2026", "06 Oct 2026", "08 Oct 2026", "08 Oct 2026"]
    assert told[0]["what"].endswith(": The window was broken, not cracked.")
    assert told[1]["what"].endswith(": It was a video call.")
    # fourth (moved to the earliest), first, then second and third at the same time, in the log's order
    assert [row["police_reference"] for row in plain] == ["", "DC/12345/26, DC/999/26", "", "DC/12345/26"]
    assert [row["what"] for row in plain] == ["Damage to property", "Messages or online", "Being followed or watched", ""]
    assert told[2]["what"] == "Being followed or watched: Seen 48h in." and told[3]["what"] == ": Seen 48h in."

def test_a_case_without_incidents_has_an_empty_pack_summary(settings: Settings, case: uuid.UUID) -> None:
    async def summary(db: AsyncSession) -> list[dict[str, Any]]:
        return await services.summary_for_witness_pack(db, case, include_narratives=True)

    assert in_db(settings, summary) == []
