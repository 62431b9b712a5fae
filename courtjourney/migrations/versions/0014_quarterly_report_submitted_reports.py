"""quarterly report: submitted reports, frozen as produced (figures, CSV and XLSX, each with its SHA-256)

Append-only: triggers refuse UPDATE and DELETE, so a submitted report stays as it was sent; a new
version is a new row. The figures and files may name workers, so they are encrypted at rest.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:03:21
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from courtjourney.migrations.ops import append_only, drop_append_only
from courtjourney.settings import encryption_key

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _secret() -> advanced_alchemy.types.encrypted_string.EncryptedText:
    return advanced_alchemy.types.encrypted_string.EncryptedText(
        key=encryption_key, backend=FernetBackend, length=None
    )


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    when = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
    op.create_table(
        "submitted_report",
        sa.Column("id", guid, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=36), nullable=False),
        sa.Column("team_id", guid, nullable=True),
        sa.Column("team_name", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", guid, nullable=True),
        sa.Column("submitted_at", when, nullable=False),
        sa.Column("figures_json", _secret(), nullable=False),
        sa.Column("figures_sha256", sa.String(length=64), nullable=False),
        sa.Column("csv_content", _secret(), nullable=False),
        sa.Column("csv_sha256", sa.String(length=64), nullable=False),
        sa.Column("xlsx_content", _secret(), nullable=False),
        sa.Column("xlsx_sha256", sa.String(length=64), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_submitted_report_submitted_by_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_submitted_report_team_id_team"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submitted_report")),
        sa.UniqueConstraint(
            "period_start", "period_end", "scope", "version", name=op.f("uq_submitted_report_period_start")
        ),
    )
    op.create_index(op.f("ix_submitted_report_scope"), "submitted_report", ["scope"], unique=False)
    append_only("submitted_report")


def downgrade() -> None:
    drop_append_only("submitted_report")
    op.drop_index(op.f("ix_submitted_report_scope"), table_name="submitted_report")
    op.drop_table("submitted_report")
