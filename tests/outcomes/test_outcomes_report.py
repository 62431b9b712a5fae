"""The outcomes figures of the quarterly report: the change per item from start to end (a mean only where
5 or more families answered both ends), the exit survey's counts and the equality counts; small counts
read "fewer than 5" in the CSV; no comment, name or case reference ever reaches a file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.figures import Figure, Period
from courtjourney.settings import Settings
from tests.conftest import PASSWORD, Person, World, in_db, lasting_api_token

Q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
QUERY = "from=2026-10-01&to=2026-12-31"
KEYS = ["understanding", "confidence", "listened_to", "wellbeing", "keep_safe"]

#: Six families, each answering at the start (in the summer) and at the end (in the quarter); the first
#: family's end is in the quarter before, so it is not counted. Scores: (start, end) for each item.
FAMILIES = [
    ([1, 1, 1, 1, 1], [5, 5, 5, 5, 5], dt.date(2026, 9, 20)),  # ended before the quarter: not counted
    ([1, 2, 3, 2, 2], [3, 4, 3, 4, 4], dt.date(2026, 10, 5)),
    ([2, 2, 2, 2, 2], [4, 3, 2, 3, 4], dt.date(2026, 10, 20)),
    ([3, 1, 2, 1, 3], [4, 3, 3, 2, 3], dt.date(2026, 11, 2)),
    ([2, 3, 2, 3, 2], [5, 4, 4, 3, 2], dt.date(2026, 11, 10)),
    ([1, 1, 2, 2, 1], [3, 2, 2, 4, 3], dt.date(2026, 11, 25)),
    ([2, 2, 3, 3, 3], [3, 3, 3, 3, None], dt.date(2026, 11, 26)),  # keep_safe not answered at the end
]
COUNTED = FAMILIES[1:]


@dataclass
class West:
    manager: Person
    team_id: uuid.UUID
    secrets: list[str] = field(default_factory=list)


async def build_west(db: AsyncSession) -> West:
    from courtjourney.accounts import services as accounts
    from courtjourney.accounts.audit import Actor
    from courtjourney.cases import services as cases
    from courtjourney.outcomes import services as outcomes

    team = await accounts.get_or_create_team(db, "West Hub")
    manager_user = await accounts.create_user(db, email="manager@west.example", full_name="Wyn Westman",
                                              password=PASSWORD, role="manager", team=team)
    worker = await accounts.create_user(db, email="worker@west.example", full_name="Wil Westwood",
                                        password=PASSWORD, role="worker", team=team)
    token = await lasting_api_token(db, manager_user)
    west = West(Person(manager_user.id, "manager@west.example", token), team.id)
    actor = Actor.of(worker)
    for n, (start, end, ended_on) in enumerate(FAMILIES):
        with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)):
            case = await cases.open_case(db, actor, {"child_name": f"Wendy Westcombe{n}", "child_birth_date": None})
            parent = await cases.add_family_member(db, actor, case, {
                "name": f"Wanda Westcombe{n}", "relationship_to_child": "mother", "preferred_language": "en"})
            await outcomes.record_measure(db, actor, case, {
                "member_id": parent.id, "point": "start", "answers": dict(zip(KEYS, start, strict=True)),
                "child_at_home": n % 2 == 0, "engaged_with_case": True})
        with time_machine.travel(dt.datetime.combine(ended_on, dt.time(12), tzinfo=dt.UTC)):
            await outcomes.record_measure(db, actor, case, {
                "member_id": parent.id, "point": "end", "answers": dict(zip(KEYS, end, strict=True)),
                "child_at_home": True, "engaged_with_case": n != 3})
            if n in (1, 2, 3):
                comment = f"Wil was brilliant with us, Westcombe{n}"
                await outcomes.record_exit_survey(db, actor, case, {
                    "helped": n != 3, "would_recommend": True, "comment": comment})
                west.secrets.append(comment)
            await outcomes.record_equality(db, actor, case, {
                "member_id": parent.id, "age_band": "35_44" if n else "25_34", "gender": "woman",
                "ethnicity": "white_british" if n < 6 else "prefer_not_to_say", "disability": None})
        west.secrets += [f"Wendy Westcombe{n}", f"Wanda Westcombe{n}", case.reference]
    return west


@pytest.fixture
def west(settings: Settings, world: World) -> West:
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=True):
        return in_db(settings, build_west)


def figures(settings: Settings, period: Period) -> dict[str, Figure]:
    from courtjourney.reports.gather import gather

    async def work(db: AsyncSession) -> list[Figure]:
        return await gather(db, period)

    return {f.key: f for f in in_db(settings, work) if f.worker_id is None}


def test_the_change_from_start_to_end_per_item_is_the_mean_over_families_with_both(settings: Settings, west: West) -> None:
    got = figures(settings, Period(*Q4, (west.team_id,)))
    assert got["family_outcomes.families"].value == 6
    for i, key in enumerate(KEYS):
        changes = [e[i] - s[i] for s, e, _d in COUNTED if e[i] is not None]
        assert got[f"family_outcomes.answered.{key}"].value == len(changes), key
        assert got[f"family_outcomes.change.{key}"].value == round(sum(changes) / len(changes), 2), key
        assert got[f"family_outcomes.change.{key}"].kind == "mean"
    assert got["family_outcomes.change.understanding"].value == 1.83  # (2+2+1+3+2+1)/6
    assert got["family_outcomes.child_at_home"].value == 6 and got["family_outcomes.engaged_with_case"].value == 5
    assert (got["exit.total"].value, got["exit.helped"].value, got["exit.not_helped"].value) == (3, 2, 1)
    assert got["exit.recommend"].value == 3 and got["exit.not_recommend"].value == 0
    assert got["equality.total"].value == 6
    assert got["equality.age_band.35_44"].value == 6 and got["equality.age_band.25_34"].value == 0
    assert got["equality.ethnicity.white_british"].value == 5
    assert got["equality.ethnicity.prefer_not_to_say"].value == 1
    assert got["equality.disability.not_asked"].value == 6 and got["equality.gender.woman"].value == 6


def test_a_mean_of_fewer_than_5_families_is_not_given(settings: Settings, west: West) -> None:
    got = figures(settings, Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), (west.team_id,)))
    assert got["family_outcomes.families"].value == 4
    assert got["family_outcomes.change.understanding"].value is None  # it would tell how one family answered


def test_another_team_s_report_holds_none_of_these_and_the_keys_stay_the_same(settings: Settings, west: West, world: World) -> None:
    mine = figures(settings, Period(*Q4, (west.team_id,)))
    other = figures(settings, Period(*Q4, (uuid.uuid4(),)))
    assert list(other) == list(mine)
    assert other["family_outcomes.families"].value == 0 and other["equality.total"].value == 0
    assert other["family_outcomes.change.understanding"].value is None


def csv_rows(body: bytes) -> dict[str, str]:
    return {r["key"]: r["value"] for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))) if not r["worker"]}


def test_the_csv_says_fewer_than_5_for_small_counts_and_holds_no_comment_or_name(
    client: TestClient[Any], settings: Settings, west: West
) -> None:
    response = client.get(f"/api/reports/quarterly.csv?{QUERY}", headers=west.manager.auth)
    assert response.status_code == 200, response.text
    rows = csv_rows(response.content)
    assert rows["family_outcomes.families"] == "6" and rows["equality.age_band.35_44"] == "6"
    assert rows["family_outcomes.change.understanding"] == "1.83"  # a mean is not a count
    assert rows["family_outcomes.answered.keep_safe"] == "5" and rows["family_outcomes.change.keep_safe"] == "1.2"
    for key in ("exit.total", "exit.helped", "exit.not_helped", "equality.ethnicity.prefer_not_to_say",
                "equality.age_band.25_34"):
        assert rows[key] == "fewer than 5", key
    text = response.content.decode("utf-8-sig").lower()
    assert not [s for s in west.secrets if s.lower() in text]
    assert "brilliant" not in text


def test_the_demo_gives_the_report_every_outcomes_figure(settings: Settings) -> None:
    from courtjourney.demo import load_demo
    from courtjourney.reports import periods

    async def work(db: AsyncSession) -> None:
        await load_demo(db)

    in_db(settings, work)
    quarter = periods.quarter_of(dt.datetime.now(dt.UTC).date())
    got = figures(settings, Period(quarter.start, quarter.end))
    assert got["family_outcomes.families"].value == 5
    assert all(got[f"family_outcomes.change.{k}"].value for k in KEYS), "every mean is shown (5 families)"
    assert got["exit.total"].value == 5 and got["equality.total"].value >= 5
