"""threats: the incident log (incidents, amendments, evidence files, police referrals) and its chain

Every table is append-only at the database: no UPDATE, no DELETE, whoever connects.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23 10:24:43.538908
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from courtjourney.migrations.ops import append_only, drop_append_only
from courtjourney.settings import encryption_key

TABLES = ("incident", "incident_amendment", "incident_evidence", "police_referral", "incident_chain")


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_chain",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_type", sa.String(length=16), nullable=False),
        sa.Column("entry_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_incident_chain_case_id_case_record"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_chain")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_incident_chain_case_id")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_incident_chain_entry_id")),
    )
    with op.batch_alter_table("incident_chain", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_chain_case_id"), ["case_id"], unique=False)

    op.create_table(
        "incident",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("recorded_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("occurred_from", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("occurred_to", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("reported_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("reported_by_member_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=True),
        sa.Column(
            "place",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "people",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "identifiers",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "narrative",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("how_known", sa.String(length=24), nullable=True),
        sa.Column(
            "how_known_detail",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "evidence_kept",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_record.id"], name=op.f("fk_incident_case_id_case_record"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_incident_recorded_by_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_member_id"],
            ["family_member.id"],
            name=op.f("fk_incident_reported_by_member_id_family_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_incident_case_id")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_case_id"), ["case_id"], unique=False)

    op.create_table(
        "incident_amendment",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("incident_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "note",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("recorded_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("occurred_from", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("occurred_to", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("reported_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("reported_by_member_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=True),
        sa.Column(
            "place",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "people",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "identifiers",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "narrative",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("how_known", sa.String(length=24), nullable=True),
        sa.Column(
            "how_known_detail",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column(
            "evidence_kept",
            advanced_alchemy.types.encrypted_string.EncryptedText(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=True,
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_incident_amendment_case_id_case_record"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_amendment_incident_id_incident"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_incident_amendment_recorded_by_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_member_id"],
            ["family_member.id"],
            name=op.f("fk_incident_amendment_reported_by_member_id_family_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_amendment")),
    )
    with op.batch_alter_table("incident_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_amendment_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_amendment_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "incident_evidence",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("incident_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "filename",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=255
            ),
            nullable=False,
        ),
        sa.Column("media_type", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("recorded_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_incident_evidence_case_id_case_record"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_incident_evidence_incident_id_incident"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_incident_evidence_recorded_by_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_evidence")),
    )
    with op.batch_alter_table("incident_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_evidence_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_evidence_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "police_referral",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("case_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("incident_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("passed_on", sa.Date(), nullable=False),
        sa.Column("passed_by", sa.String(length=16), nullable=False),
        sa.Column(
            "crime_reference",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=60
            ),
            nullable=True,
        ),
        sa.Column(
            "officer",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=120
            ),
            nullable=True,
        ),
        sa.Column("recorded_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("recorded_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_police_referral_case_id_case_record"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_police_referral_incident_id_incident"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_police_referral_recorded_by_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_referral")),
    )
    with op.batch_alter_table("police_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_police_referral_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_police_referral_incident_id"), ["incident_id"], unique=False)

    for table in TABLES:
        append_only(table)


def downgrade() -> None:
    for table in TABLES:
        drop_append_only(table)
    with op.batch_alter_table("police_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_police_referral_incident_id"))
        batch_op.drop_index(batch_op.f("ix_police_referral_case_id"))

    op.drop_table("police_referral")
    with op.batch_alter_table("incident_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_evidence_incident_id"))
        batch_op.drop_index(batch_op.f("ix_incident_evidence_case_id"))

    op.drop_table("incident_evidence")
    with op.batch_alter_table("incident_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_amendment_incident_id"))
        batch_op.drop_index(batch_op.f("ix_incident_amendment_case_id"))

    op.drop_table("incident_amendment")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_case_id"))

    op.drop_table("incident")
    with op.batch_alter_table("incident_chain", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_chain_case_id"))

    op.drop_table("incident_chain")
