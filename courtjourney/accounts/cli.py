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
    """Create accounts (with setup links), let people back in, disable accounts, and issue API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", type=click.Choice(["admin", "manager", "worker"]), default="worker", show_default=True
)
@click.option("--team", default=None, help="Team (hub or service area); created if new.")
def users_create(email: str, name: str, role: str, team: str | None) -> None:
    """Create an account and print its single-use setup link (the person chooses their own password)."""
    from courtjourney.accounts import audit, services
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.errors import InputError
    from courtjourney.settings import get_settings

    async def work(db: AsyncSession) -> str:
        team_row = await services.get_or_create_team(db, team) if team else None
        created = await services.create_user(
            db,
            email=email,
            full_name=name,
            password=services.unusable_password(),
            role=role,
            team=team_row,
        )
        audit.record(db, "account.created", SYSTEM, target=created)
        link = await services.issue_setup_link(db, SYSTEM, created, "new")
        return link.url(get_settings())

    try:
        url = run_in_session(work)
    except InputError as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
    click.echo(f"Created {email}. Send them this link to choose their password (works once, for 3 days):")
    click.echo(url)


@users.command("let-back-in")
@click.argument("email")
def users_let_back_in(email: str) -> None:
    """A forgotten password or an account disabled by mistake: print a new single-use setup link."""
    from courtjourney.accounts import services
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.settings import get_settings

    async def work(db: AsyncSession) -> str:
        link = await services.let_back_in(db, SYSTEM, await _user_by_email(email)(db))
        return link.url(get_settings())

    url = run_in_session(work)
    click.echo(f"{email} can choose a new password with this link (works once, for 3 days):")
    click.echo(url)


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
@click.option(
    "--days",
    type=int,
    default=90,
    show_default=True,
    help="How many days the token works, from 1 to 365. Its owner can revoke it sooner at /account/tokens.",
)
@click.option("--revoke", is_flag=True, help="Revoke every token of this account instead.")
def users_token(email: str, name: str, days: int, revoke: bool) -> None:
    """Issue a personal API token (shown once) that works for --days days, or revoke them all."""
    from courtjourney.accounts import audit, services
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.errors import InputError
    from courtjourney.i18n import long_datetime

    async def work(db: AsyncSession) -> str:
        user = await _user_by_email(email)(db)
        if revoke:
            count = await services.revoke_api_tokens(db, user.id)
            audit.record(db, "account.tokens_revoked", SYSTEM, target=user)
            return f"Revoked {count} token(s) of {email}."
        row, token = await services.make_api_token(db, SYSTEM, user, name, days)
        # The token is the last word printed, so scripts can take it from the end.
        return (
            f"API token for {email}, working until {long_datetime(row.expires_at, 'en')} (UK time).\n"
            f"It is shown once; send it as 'Authorization: Bearer <token>':\n{token}"
        )

    try:
        click.echo(run_in_session(work))
    except InputError as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
