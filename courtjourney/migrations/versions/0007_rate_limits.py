"""rate limits shared by every worker; sign-in pauses move from user_account to them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit")),
    )
    op.create_index("ix_rate_limit_window_start", "rate_limit", ["window_start"], unique=False)
    # Failed sign-ins are counted per email in rate_limit now, for unknown emails too.
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of user_account would have to
    # drop a table that most others reference.
    op.drop_column("user_account", "locked_until")
    op.drop_column("user_account", "failed_logins")


def downgrade() -> None:
    op.add_column(
        "user_account", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "user_account",
        sa.Column("locked_until", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    )
    op.drop_index("ix_rate_limit_window_start", table_name="rate_limit")
    op.drop_table("rate_limit")
