"""debrief: a case deleted as opened in error

What is left of a case deleted in its first days because it should never have been opened says why, as a
code (never free text).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:13:32.630791
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: on SQLite a batch copies the table and renames the copy, which the
# intimidation log's triggers (they name purged_case, migration 0005) refuse. SQLite adds and drops a
# column in place (3.35 and later).


def upgrade() -> None:
    op.add_column("purged_case", sa.Column("opened_in_error", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("purged_case", "opened_in_error")
