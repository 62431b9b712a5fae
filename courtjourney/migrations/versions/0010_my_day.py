"""my day: when each user last opened My day, and each team's standard for how long a family may go uncontacted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "day_seen_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
            )
        )
    op.create_table(
        "team_contact_standard",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("team_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("high_days", sa.Integer(), nullable=False),
        sa.Column("medium_days", sa.Integer(), nullable=False),
        sa.Column("low_days", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_team_contact_standard_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_team_contact_standard_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_contact_standard")),
        sa.UniqueConstraint("team_id", name=op.f("uq_team_contact_standard_team_id")),
    )


def downgrade() -> None:
    op.drop_table("team_contact_standard")
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later have it), as 0007 does: batch mode would
    # copy user_account into a new table, which SQLite's foreign keys refuse while other rows refer to it.
    op.drop_column("user_account", "day_seen_at")
