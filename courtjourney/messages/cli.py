"""`courtjourney messages send`: one pass over what is due, then exit (for cron, or with COURTJOURNEY_DISPATCH_SECONDS=0)."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy.ext.asyncio import async_sessionmaker

from courtjourney.db.engine import make_engine
from courtjourney.messages import dispatch
from courtjourney.settings import get_settings


@click.group()
def messages() -> None:
    """Messages to families."""


@messages.command("send")
def send() -> None:
    """Write the day's reminders, send every message that is due now, once, and say how many (no addresses or texts)."""

    async def run() -> dispatch.Pass:
        settings = get_settings()
        engine = make_engine(settings)
        try:
            return await dispatch.send_due(async_sessionmaker(engine, expire_on_commit=False), settings)
        finally:
            await engine.dispose()

    done = asyncio.run(run())
    click.echo(
        f"{done.reminders} reminder(s) written; {done.sent} sent, {done.retry} to try again, "
        f"{done.failed} could not be sent."
    )
