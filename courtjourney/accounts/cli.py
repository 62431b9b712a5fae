"""The `courtjourney users` commands: create and disable accounts, issue API tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.engine import run_in_session


@click.group()
def users() -> None:
    """Create and disable accounts, and issue API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", type=click.Choice(["admin", "manager", "worker"]), default="worker", show_default=True
)
@click.option("--team", default=None, help="Team (hub or service area); created if new.")
def users_create(email: str, name: str, role: str, team: str | None) -> None:
    """Create an account and print its one-time password."""
    from courtjourney.accounts import services
    from courtjourney.accounts.credentials import new_password
    from courtjourney.errors import InputError

    password = new_password()

    async def work(db: AsyncSession) -> None:
        team_row = await services.get_or_create_team(db, team) if team else None
        await services.create_user(
            db,
            email=email,
            full_name=name,
            password=password,
            role=role,
            team=team_row,
            must_change_password=True,
        )

    try:
        run_in_session(work)
    except InputError as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
    click.echo(f"Created {email}. One-time password (shown once): {password}")


def _user_by_email(email: str) -> Callable[[AsyncSession], Awaitable[Any]]:
    from courtjourney.accounts.models import User
    from courtjourney.accounts.services import normalise_email

    async def find(db: AsyncSession) -> Any:
        user = await db.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise click.ClickException(f"No account with the email {email}.")
        return user

    return find


@users.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable an account: ends its sessions and revokes its API tokens."""
    from courtjourney.accounts import services

    async def work(db: AsyncSession) -> None:
        await services.disable_user(db, await _user_by_email(email)(db))

    run_in_session(work)
    click.echo(f"Disabled {email}.")


@users.command("token")
@click.argument("email")
@click.option("--name", default="script", show_default=True, help="What the token is for.")
@click.option("--revoke", is_flag=True, help="Revoke every token of this account instead.")
def users_token(email: str, name: str, revoke: bool) -> None:
    """Issue a personal API token (shown once), or revoke them all."""
    from courtjourney.accounts import services

    async def work(db: AsyncSession) -> str:
        user = await _user_by_email(email)(db)
        if revoke:
            return f"Revoked {await services.revoke_api_tokens(db, user.id)} token(s) of {email}."
        _row, token = await services.issue_api_token(db, user, name)
        return f"API token for {email} (shown once; send as 'Authorization: Bearer <token>'):\n{token}"

    click.echo(run_in_session(work))
