"""Finding one row that belongs to a case."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.errors import NotFound

M = TypeVar("M")


async def one_of_case(db: AsyncSession, model: type[M], case_id: UUID, row_id: UUID, what: str) -> M:
    """A row that belongs to this case, or NotFound: an id from another case never resolves under this one."""
    table: Any = model
    row = await db.scalar(select(table).where(table.id == row_id, table.case_id == case_id))
    if row is None:
        raise NotFound(f"No {what} was found at this address.")
    return row
