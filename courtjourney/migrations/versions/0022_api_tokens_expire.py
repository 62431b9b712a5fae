"""accounts: API tokens expire (issue 17)

A token works until `expires_at`: 90 days after it was made unless its owner chose 1 to 365 days. Tokens
made before this migration get the default, counted from when each was made, so one older than 90 days
stops working at once (its owner makes a new one at /account/tokens).

Filled in one row at a time in Python, not in SQL: date arithmetic is written differently in SQLite and
PostgreSQL, and there are only a few tokens per person.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 20:04:49.425069
"""

from __future__ import annotations

import datetime as dt

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

#: The lifetime tokens made before this migration are given. Written out here (not imported) so this
#: migration keeps meaning what it meant when it ran.
DEFAULT_LIFE = dt.timedelta(days=90)

tokens = sa.table(
    "api_token",
    sa.column("id", advanced_alchemy.types.guid.GUID(length=16)),
    sa.column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)),
    sa.column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )
    bind = op.get_bind()
    for row in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        bind.execute(
            tokens.update().where(tokens.c.id == row.id).values(expires_at=row.created_at + DEFAULT_LIFE)
        )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at",
            existing_type=advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
