"""Operations the migrations share: the database-level guards on append-only tables."""

from __future__ import annotations

from alembic import op


def append_only(table: str, allow_delete_cascade: bool = False) -> None:
    """In a migration: refuse UPDATE (and DELETE, unless `allow_delete_cascade`) at the database, whoever connects."""
    bind = op.get_bind()
    events = ["UPDATE"] if allow_delete_cascade else ["UPDATE", "DELETE"]
    for event in events:
        name = f"{table}_no_{event.lower()}"
        if bind.dialect.name == "sqlite":
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        elif bind.dialect.name == "postgresql":
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )


def drop_append_only(table: str) -> None:
    """In a migration: remove what `append_only` added."""
    bind = op.get_bind()
    for event in ("UPDATE", "DELETE"):
        name = f"{table}_no_{event.lower()}"
        op.execute(
            f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if bind.dialect.name == "postgresql" else "")
        )
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def delete_only_when_purged(table: str) -> None:
    """In a migration: replace `table`'s no-DELETE trigger with one that lets rows go only when their case
    is being deleted at the end of its retention period (its purged_case record is written first)."""
    bind = op.get_bind()
    name = f"{table}_no_delete"
    if bind.dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(
            f"CREATE TRIGGER {name} BEFORE DELETE ON {table} "
            f"WHEN NOT EXISTS (SELECT 1 FROM purged_case WHERE former_case_id = OLD.case_id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF EXISTS (SELECT 1 FROM purged_case WHERE former_case_id = OLD.case_id) THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '{table} is append-only'; END $$"
        )


def delete_never(table: str) -> None:
    """Undo `delete_only_when_purged`: the plain no-DELETE trigger again."""
    bind = op.get_bind()
    name = f"{table}_no_delete"
    if bind.dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(
            f"CREATE TRIGGER {name} BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
