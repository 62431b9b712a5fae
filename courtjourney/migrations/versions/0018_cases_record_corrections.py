"""cases: corrections keep what a record said before

A family member, key contact, risk assessment or the child's details can be corrected; each correction keeps
the names of the fields changed and their earlier values, encrypted.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:50:25.253734
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from courtjourney.settings import encryption_key

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_correction",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("corrected_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("fields", sa.String(length=400), nullable=False),
        sa.Column(
            "earlier",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=False,
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_record_correction_case_id_case_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["user_account.id"],
            name=op.f("fk_record_correction_corrected_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_correction")),
    )
    with op.batch_alter_table("record_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_correction_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_record_correction_record", ["record_type", "record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("record_correction", schema=None) as batch_op:
        batch_op.drop_index("ix_record_correction_record")
        batch_op.drop_index(batch_op.f("ix_record_correction_case_id"))
    op.drop_table("record_correction")
