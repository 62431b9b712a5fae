"""consent: the kind of organisation is chosen (organisation_kind); the typed name is only a name

The Witness Service pack used to look for "witness service" anywhere in the typed name, so
"NOT the Witness Service (mother refused)" let the pack be made (issue 17, hole 9). Existing rows
are filled in conservatively: a kind other than "other" only where the whole name, trimmed and in
any case, is exactly one of the names below. Anything else becomes "other" and allows no pack;
the worker records the consent again with its kind chosen.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: The only names that are read as a kind. Written out here (not imported) so this migration keeps
#: meaning what it meant when it ran.
EXACT_NAMES = {
    "witness_service": ("witness service", "citizens advice witness service"),
    "police": ("police",),
    "cps": ("cps", "crown prosecution service"),
}

#: What a name left empty reads as if the migration is undone (the old column needs a name).
NAMES_FOR_KINDS = {
    "witness_service": "Witness Service",
    "police": "Police",
    "cps": "Crown Prosecution Service",
    "social_care": "Children's social care",
    "health": "Health",
    "school": "School",
    "other": "Other organisation",
}


def kind_by_name() -> sa.Case[str]:
    name = sa.func.lower(sa.func.trim(sa.column("organisation", sa.String)))
    return sa.case(
        *((name.in_(names), kind) for kind, names in EXACT_NAMES.items()),
        else_="other",
    )


def upgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_kind", sa.String(length=20), nullable=True))
    consent = sa.table(
        "consent", sa.column("organisation_kind", sa.String), sa.column("organisation", sa.String)
    )
    op.execute(consent.update().values(organisation_kind=kind_by_name()))
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.alter_column("organisation_kind", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("organisation", existing_type=sa.String(length=120), nullable=True)


def downgrade() -> None:
    consent = sa.table(
        "consent", sa.column("organisation_kind", sa.String), sa.column("organisation", sa.String)
    )
    op.execute(
        consent.update()
        .where(consent.c.organisation.is_(None))
        .values(
            organisation=sa.case(
                *((consent.c.organisation_kind == k, name) for k, name in NAMES_FOR_KINDS.items()),
                else_="Other organisation",
            )
        )
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.alter_column("organisation", existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_column("organisation_kind")
