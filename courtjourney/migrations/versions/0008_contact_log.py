"""contact log: entries, the family members each was with, earlier versions kept on correction, follow-up tasks

Notes, places and every earlier version are encrypted at rest.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:54:08.016943
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from courtjourney.settings import encryption_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_log_entry",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "place",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "notes",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("about_hearing_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("about_incident_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("about_document_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("about_stage", sa.String(length=24), nullable=True),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["about_document_id"],
            ["produced_document.id"],
            name=op.f("fk_contact_log_entry_about_document_id_produced_document"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["about_hearing_id"],
            ["hearing.id"],
            name=op.f("fk_contact_log_entry_about_hearing_id_hearing"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["about_incident_id"],
            ["incident.id"],
            name=op.f("fk_contact_log_entry_about_incident_id_incident"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_contact_log_entry_case_id_case_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_log_entry_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log_entry")),
    )
    with op.batch_alter_table("contact_log_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_log_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_log_entry_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_log_entry_recorded_by_id"), ["recorded_by_id"], unique=False
        )

    op.create_table(
        "contact_log_correction",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("entry_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("corrected_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
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
            name=op.f("fk_contact_log_correction_case_id_case_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_log_correction_corrected_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contact_log_entry.id"],
            name=op.f("fk_contact_log_correction_entry_id_contact_log_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log_correction")),
        sa.UniqueConstraint("entry_id", "number", name=op.f("uq_contact_log_correction_entry_id")),
    )
    with op.batch_alter_table("contact_log_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_log_correction_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_log_correction_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "contact_log_follow_up",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("entry_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("task_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_contact_log_follow_up_case_id_case_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contact_log_entry.id"],
            name=op.f("fk_contact_log_follow_up_entry_id_contact_log_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["case_task.id"],
            name=op.f("fk_contact_log_follow_up_task_id_case_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log_follow_up")),
        sa.UniqueConstraint("task_id", name=op.f("uq_contact_log_follow_up_task_id")),
    )
    with op.batch_alter_table("contact_log_follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_log_follow_up_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_log_follow_up_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "contact_log_member",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("entry_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("member_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_contact_log_member_case_id_case_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contact_log_entry.id"],
            name=op.f("fk_contact_log_member_entry_id_contact_log_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["family_member.id"],
            name=op.f("fk_contact_log_member_member_id_family_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log_member")),
        sa.UniqueConstraint("entry_id", "member_id", name=op.f("uq_contact_log_member_entry_id")),
    )
    with op.batch_alter_table("contact_log_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_log_member_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_log_member_entry_id"), ["entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contact_log_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_member_entry_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_member_case_id"))

    op.drop_table("contact_log_member")
    with op.batch_alter_table("contact_log_follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_follow_up_entry_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_follow_up_case_id"))

    op.drop_table("contact_log_follow_up")
    with op.batch_alter_table("contact_log_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_correction_entry_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_correction_case_id"))

    op.drop_table("contact_log_correction")
    with op.batch_alter_table("contact_log_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_entry_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_entry_case_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_entry_at"))

    op.drop_table("contact_log_entry")
