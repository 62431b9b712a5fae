"""Accounts (issue 17): an admin moves someone to another team or changes their role, choosing the team from
the teams there are, and adds a team as its own action, so a typo on the account form never makes a team.
Each change is audited and seen on the team page of the team the account is in; nobody changes their own."""

from __future__ import annotations

import html
from typing import Any

from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, sign_in, sql


def post(client: TestClient[Any], path: str, data: dict[str, str]) -> Any:
    return client.post(path, data={**data, "_csrf_token": csrf_token(client, "/admin/users")}, follow_redirects=False)


def team_id(settings: Settings, name: str) -> str:
    from sqlalchemy import select

    from courtjourney.accounts.models import Team
    from tests.conftest import in_db

    async def work(db: Any) -> Any:
        return await db.scalar(select(Team.id).where(Team.name == name))

    found = in_db(settings, work)
    return "" if found is None else str(found)


def counts(settings: Settings) -> tuple[int, int]:
    return sql(settings, "SELECT count(*) FROM team")[0][0], sql(settings, "SELECT count(*) FROM user_account")[0][0]


def test_a_typo_in_the_team_makes_no_team_and_no_account(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.admin.email)
    page = client.get("/admin/users").text
    assert '<select class="input" id="field-team" name="team"' in page, "the team is chosen from a list"
    before = counts(settings)
    refused = post(client, "/admin/users", {"full_name": "Nia Newcomer", "email": "nia@north.example", "role": "worker",
                                            "team": "Nroth Hub"})
    assert refused.status_code == 400
    assert "Choose one of the teams. To start a new team, add it first under “Add a team”." in html.unescape(refused.text)
    assert counts(settings) == before


def test_a_team_is_added_on_its_own_once_whatever_its_capitals(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.admin.email)
    made = post(client, "/admin/users/teams", {"team_name": "  West   Hub "})
    assert made.status_code == 303, made.text[:300]
    assert team_id(settings, "West Hub"), "spaces tidied"
    assert '<option value="West Hub"' in client.get("/admin/users").text
    before = counts(settings)
    again = post(client, "/admin/users/teams", {"team_name": "west hub"})
    assert again.status_code == 400 and "There is already a team called West Hub." in again.text
    empty = post(client, "/admin/users/teams", {"team_name": ""})
    assert empty.status_code == 400
    assert counts(settings) == before
    [event] = audit_events(settings, action="account.team_added")
    assert event.actor_id == world.admin.id
    added = post(client, "/admin/users", {"full_name": "Wyn West", "email": "wyn@west.example", "role": "worker", "team": "West Hub"})
    assert added.status_code == 200 and "cjset_" in added.text


def test_an_admin_moves_a_worker_to_another_team_as_a_manager_and_both_teams_can_tell(
        client: TestClient[Any], world: World, settings: Settings) -> None:
    south = team_id(settings, "South Hub")
    page = f"/admin/users/{world.colleague.id}/change"
    sign_in(client, world.admin.email)
    assert f'href="{page}"' in client.get("/admin/users").text
    shown = client.get(page)
    assert shown.status_code == 200 and world.colleague.email in shown.text
    assert f'<option value="{south}"' in shown.text
    before = client.get("/api/cases", headers=world.colleague.auth).json()
    assert str(world.south_case) not in {c["id"] for c in before}

    nothing = post(client, page, {"role": "worker", "team_id": team_id(settings, "North Hub")})
    assert nothing.status_code == 400 and "Nothing was changed" in nothing.text
    unknown = post(client, page, {"role": "manager", "team_id": "01234567-89ab-cdef-0123-456789abcdef"})
    assert unknown.status_code == 400 and "Choose one of the teams" in html.unescape(unknown.text)
    bad_role = post(client, page, {"role": "owner", "team_id": south})
    assert bad_role.status_code == 400
    assert not audit_events(settings, action="account.changed")

    moved = post(client, page, {"role": "manager", "team_id": south})
    assert moved.status_code == 303, moved.text[:300]
    after = client.get("/api/cases", headers=world.colleague.auth).json()
    assert str(world.south_case) in {c["id"] for c in after}, "a manager of South sees South's cases"
    [event] = audit_events(settings, action="account.changed")
    assert event.actor_id == world.admin.id and event.target_id == world.colleague.id
    sign_in(client, world.colleague.email)
    section = client.get("/team").text.split('id="accounts"', 1)[1]
    assert "Role or team changed" in section


def test_nobody_changes_their_own_role_and_only_admins_reach_the_page(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.admin.email)
    own = client.get(f"/admin/users/{world.admin.id}/change")
    assert own.status_code == 400 and "You cannot change your own role or team" in own.text
    assert post(client, f"/admin/users/{world.admin.id}/change", {"role": "worker", "team_id": team_id(settings, "North Hub")}).status_code == 400
    sign_in(client, world.manager.email)
    assert client.get(f"/admin/users/{world.worker.id}/change").status_code == 404
    token = csrf_token(client, "/my-day")
    assert client.post(f"/admin/users/{world.worker.id}/change", data={"role": "admin", "team_id": "", "_csrf_token": token}).status_code == 404
    assert client.post("/admin/users/teams", data={"team_name": "Mine", "_csrf_token": token}).status_code == 404
    assert not audit_events(settings, action="account.changed") and not team_id(settings, "Mine")
