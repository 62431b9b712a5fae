"""What a process keeps for a moment before it writes it (hearings/polls.py: calendar polls), and the one
call that writes it now: a page that shows what it holds (the audit trail, a feed's "last checked")
calls `flush_all` first, so it shows every poll this process has answered. The app lists each part's
flusher in its state (SPOOL_KEY), so a lower part (the case's audit trail) need not import the part
that keeps them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("courtjourney.spool")

SPOOL_KEY = "spool_flushers"

Flusher = Callable[[AsyncSession], Awaitable[object]]


async def flush_all(state: Any, db: AsyncSession) -> None:
    """Write what this process keeps for the app whose `state` this is, in the request's transaction
    `db` (so the page reads it). A failure is logged, never raised: the spool keeps it for the next try."""
    for flush in list(state.get(SPOOL_KEY, ())):
        try:
            await flush(db)
        except Exception:
            log.exception("a spool could not be written yet")
