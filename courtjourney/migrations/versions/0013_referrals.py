"""referrals: the intake queue, each referral as received, its decision and the case it opened

Names, the referrer's details, the reasons and the safe way to make first contact are encrypted at rest.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:50:06.177183
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from courtjourney.settings import encryption_key

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referral",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("team_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("received_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column(
            "referrer_name",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=200
            ),
            nullable=True,
        ),
        sa.Column(
            "referrer_organisation",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=200
            ),
            nullable=True,
        ),
        sa.Column(
            "referrer_contact",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=300
            ),
            nullable=True,
        ),
        sa.Column(
            "parent_first_name",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=120
            ),
            nullable=False,
        ),
        sa.Column("parent_relationship", sa.String(length=40), nullable=True),
        sa.Column(
            "child_first_name",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=120
            ),
            nullable=False,
        ),
        sa.Column(
            "child_birth_date",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=10
            ),
            nullable=True,
        ),
        sa.Column(
            "reason",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=False,
        ),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "consent_recorded_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "safe_contact",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("safe_contact_confirmed_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "safe_contact_confirmed_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "decision_reason",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("decided_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("waiting_since", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column(
            "waiting_for",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "first_contact_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_record.id"], name=op.f("fk_referral_case_id_case_record"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["consent_recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_referral_consent_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_referral_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_referral_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["safe_contact_confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_referral_safe_contact_confirmed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_referral_team_id_team"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("case_id", name=op.f("uq_referral_case_id")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_received_at"), ["received_at"], unique=False)
        batch_op.create_index("ix_referral_team_id_status", ["team_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_team_id_status")
        batch_op.drop_index(batch_op.f("ix_referral_received_at"))

    op.drop_table("referral")
