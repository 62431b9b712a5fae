"""case timeline: an index on contact_log_entry (case_id, at), so each page of a case's log or timeline
is read newest first from the index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contact_log_entry_case_id_at", "contact_log_entry", ["case_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contact_log_entry_case_id_at", table_name="contact_log_entry")
