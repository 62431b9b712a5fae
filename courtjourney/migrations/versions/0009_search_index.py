"""search: the keyed name index (HMACs of name prefixes, never a name), filled for the cases already stored

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:20:43.392978
"""

from __future__ import annotations

import datetime as dt

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.mixins.uuid import uuid7
from advanced_alchemy.types import EncryptedString
from alembic import op

from courtjourney.settings import encryption_key

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)


def upgrade() -> None:
    op.create_table(
        "search_token",
        sa.Column("id", GUID, nullable=False),
        sa.Column("case_id", GUID, nullable=False),
        sa.Column("family_member_id", GUID, nullable=True),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
            name=op.f("fk_search_token_case_id_case_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_member_id"],
            ["family_member.id"],
            name=op.f("fk_search_token_family_member_id_family_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_token")),
    )
    with op.batch_alter_table("search_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_token_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_search_token_family_member_id"), ["family_member_id"], unique=False
        )
        batch_op.create_index(
            "ix_search_token_lookup", ["token_hash", "case_id", "family_member_id"], unique=False
        )
    _index_existing()


def _index_existing() -> None:
    """Index the cases already stored (reads their names with the service key; a new database has none)."""
    from courtjourney.cases.search_index import person_hashes

    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM case_record LIMIT 1")).first() is None:
        return  # nothing to index, and no key needed: a new database may be migrated before `init` makes one
    name = EncryptedString(key=encryption_key)
    cases = sa.table(
        "case_record", sa.column("id", GUID), sa.column("reference", sa.String), sa.column("child_name", name)
    )
    members = sa.table(
        "family_member", sa.column("id", GUID), sa.column("case_id", GUID), sa.column("name", name)
    )
    tokens = sa.table(
        "search_token",
        *(sa.column(c, GUID) for c in ("id", "case_id", "family_member_id")),
        sa.column("token_hash", sa.LargeBinary),
        sa.column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)),
        sa.column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)),
    )
    after = ""
    while True:
        batch = bind.execute(
            sa.select(cases.c.id, cases.c.reference, cases.c.child_name)
            .where(cases.c.reference > after)
            .order_by(cases.c.reference)
            .limit(500)
        ).all()
        if not batch:
            return
        now = dt.datetime.now(dt.UTC)
        people: list[tuple[object, object, set[bytes]]] = [
            (case_id, None, person_hashes(child, reference)) for case_id, reference, child in batch
        ]
        ids = [row[0] for row in batch]
        for member_id, case_id, member_name in bind.execute(
            sa.select(members.c.id, members.c.case_id, members.c.name).where(members.c.case_id.in_(ids))
        ):
            people.append((case_id, member_id, person_hashes(member_name)))
        rows = [
            {
                "id": uuid7(),
                "case_id": c,
                "family_member_id": m,
                "token_hash": h,
                "created_at": now,
                "updated_at": now,
            }
            for c, m, hashes in people
            for h in hashes
        ]
        if rows:
            bind.execute(sa.insert(tokens), rows)
        after = batch[-1][1]


def downgrade() -> None:
    with op.batch_alter_table("search_token", schema=None) as batch_op:
        batch_op.drop_index("ix_search_token_lookup")
        batch_op.drop_index(batch_op.f("ix_search_token_family_member_id"))
        batch_op.drop_index(batch_op.f("ix_search_token_case_id"))
    op.drop_table("search_token")
