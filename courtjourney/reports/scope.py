"""Whose figures a report may hold, decided in one place.

A worker's report covers the cases they are assigned to. A manager's covers their team's cases. An admin's
covers any team, or every team, only where COURTJOURNEY_ADMIN_SEES_ALL_REPORTS is true; otherwise an admin
is treated as a worker (the cases they are assigned to, usually none), as cases/access.py treats them.
A team someone may not see reads exactly like a team that does not exist: 404.
Managers, and admins where the setting allows, submit reports; workers make and download their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role, Team
from courtjourney.errors import NotFound
from courtjourney.i18n import N_
from courtjourney.i18n import gettext as _
from courtjourney.reports.models import ALL_TEAMS

NO_SUCH_TEAM = N_("No team of that name was found among the teams you may see.")


@dataclass(frozen=True)
class Scope:
    """Whose cases a report covers, and how it names them."""

    kind: Literal["own", "team", "all"]
    team: Team | None = None
    worker_id: UUID | None = None

    @property
    def team_ids(self) -> tuple[UUID, ...] | None:
        """The teams whose cases count; None: every team's (for a worker's own caseload, `worker_id` narrows it)."""
        return (self.team.id,) if self.kind == "team" and self.team is not None else None

    @property
    def key(self) -> str | None:
        """What a submitted report is filed under: the team's id, "all", or None (not submitted)."""
        if self.kind == "all":
            return ALL_TEAMS
        return str(self.team.id) if self.team is not None else None

    @property
    def label(self) -> str:
        if self.kind == "all":
            return _("All teams")
        if self.kind == "own":
            return _("Your own caseload")
        assert self.team is not None
        return self.team.name

    @property
    def team_param(self) -> str:
        """The `team=` that asks for this scope again (empty: the default for whoever asks)."""
        return self.team.name if self.team is not None else ""


def sees_all(actor: Actor, admin_sees_all: bool) -> bool:
    return actor.role == Role.ADMIN.value and admin_sees_all


def may_submit(actor: Actor, scope: Scope, admin_sees_all: bool) -> bool:
    """Managers submit their team's report; admins any team's or all teams', where the setting allows."""
    if scope.kind == "own":
        return False
    if sees_all(actor, admin_sees_all):
        return True
    return actor.role == Role.MANAGER.value and scope.team is not None and scope.team.id == actor.team_id


async def _team_named(db: AsyncSession, name: str) -> Team:
    team = await db.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise NotFound(NO_SUCH_TEAM)
    return team


async def scope_for(
    db: AsyncSession, actor: Actor, team: str | None, *, admin_sees_all: bool, everything: bool = False
) -> Scope:
    """The scope `actor` asked for with `team` (a team's name; empty: their default), or NotFound.

    `everything` is the command line's: whoever runs it on the server may report on any team or all."""
    name = (team or "").strip()
    if everything or sees_all(actor, admin_sees_all):
        return Scope("team", await _team_named(db, name)) if name else Scope("all")
    own = await db.get(Team, actor.team_id) if actor.team_id is not None else None
    if name and (own is None or name != own.name):
        raise NotFound(NO_SUCH_TEAM)
    if actor.role == Role.MANAGER.value and own is not None:
        return Scope("team", own)
    return Scope("own", worker_id=actor.id)


async def teams_for(db: AsyncSession, actor: Actor, admin_sees_all: bool) -> list[Team]:
    """The teams the page offers to pick (only admins where the setting allows pick at all)."""
    if not sees_all(actor, admin_sees_all):
        return []
    return list(await db.scalars(select(Team).order_by(Team.name)))
