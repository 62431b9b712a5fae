"""hearings: each change keeps, in plain beside its encrypted values, the hearing's day as it left it and
whether it records that the hearing went ahead

The quarterly report's notice bands read these instead of decrypting every change of the period (a
team's quarter is thousands of them: most of the report page's time). Neither says more than the
hearing's own plain `starts_at`, `window_start` and `status` do. Existing changes are filled in by
replaying each hearing's history, as the report did before. The history trigger now keeps these two
columns from being rewritten as well.

Plain ADD COLUMN, not a batch copy: a SQLite batch copy of hearing_change would drop its trigger.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 19:06:32.730220
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from courtjourney.settings import encryption_key

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

UK = ZoneInfo("Europe/London")
OLD_HISTORY = "case_id, hearing_id, kind, changes, reason, changed_at, known_at"
NEW_HISTORY = OLD_HISTORY + ", day_after, went_ahead"

changes_table = sa.table(
    "hearing_change",
    sa.column("id", advanced_alchemy.types.guid.GUID(length=16)),
    sa.column("hearing_id", advanced_alchemy.types.guid.GUID(length=16)),
    sa.column("changes", advanced_alchemy.types.EncryptedText(key=encryption_key, backend=FernetBackend)),
    sa.column("changed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)),
    sa.column("day_after", sa.Date()),
    sa.column("went_ahead", sa.Boolean()),
)


def _day(value: str) -> dt.date:
    return (
        dt.datetime.fromisoformat(value).astimezone(UK).date()
        if "T" in value
        else dt.date.fromisoformat(value)
    )


def _fill() -> None:
    """Replay each hearing's changes from its listing: the day each left, and whether it went ahead."""
    bind = op.get_bind()
    # A database with no hearing changes (a new service) has nothing to replay, and needs no key: reading the
    # encrypted column asks for the secret key, which `courtjourney db upgrade` on a new database may not have.
    if not bind.execute(sa.select(sa.func.count()).select_from(sa.table("hearing_change"))).scalar():
        return
    history: dict[Any, list[Any]] = defaultdict(list)
    for row in bind.execute(
        sa.select(changes_table.c.id, changes_table.c.hearing_id, changes_table.c.changes).order_by(
            changes_table.c.changed_at, changes_table.c.id
        )
    ):
        history[row.hearing_id].append(row)
    for rows in history.values():
        day: dt.date | None = None
        for row in rows:
            values = json.loads(row.changes)
            for field in ("window_start", "starts_at"):
                if field in values and values[field][1]:
                    day = _day(values[field][1])
            status = values.get("status")
            bind.execute(
                changes_table.update()
                .where(changes_table.c.id == row.id)
                .values(day_after=day, went_ahead=bool(status) and status[1] == "completed")
            )


def _keep_history(columns: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS hearing_change_keep_history")
        op.execute(
            f"CREATE TRIGGER hearing_change_keep_history BEFORE UPDATE OF {columns} ON hearing_change "
            "BEGIN SELECT RAISE(ABORT, 'hearing_change history cannot be rewritten'); END"
        )
    elif bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS hearing_change_keep_history ON hearing_change")
        op.execute(
            f"CREATE TRIGGER hearing_change_keep_history BEFORE UPDATE OF {columns} ON hearing_change "
            "FOR EACH ROW EXECUTE FUNCTION hearing_change_keep_history()"
        )


def upgrade() -> None:
    op.add_column("hearing_change", sa.Column("day_after", sa.Date(), nullable=True))
    op.add_column(
        "hearing_change", sa.Column("went_ahead", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    _fill()
    _keep_history(NEW_HISTORY)


def downgrade() -> None:
    bind = op.get_bind()
    # SQLite drops a column only when no trigger names it: the trigger goes while they go, and comes back.
    op.execute(
        "DROP TRIGGER IF EXISTS hearing_change_keep_history"
        + (" ON hearing_change" if bind.dialect.name == "postgresql" else "")
    )
    op.drop_column("hearing_change", "went_ahead")
    op.drop_column("hearing_change", "day_after")
    _keep_history(OLD_HISTORY)
