"""The routes and the OpenAPI description are what they were before the front-door redesign (issue 14).

A refactor must not add, drop or rename a route, or change what an API operation takes and answers.
When a change to the routes is meant, write the new snapshot and review its diff in the commit:

    .venv/bin/python -m tests.test_routes_snapshot
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from courtjourney.settings import Settings

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _app() -> Any:
    from courtjourney.app import create_app

    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:", key_file=Path("/nonexistent/secret.key"),
        secret_key_env="snapshot-secret", host="127.0.0.1", port=8000, workers=1, secure_cookies="auto",
        session_idle_minutes=30, session_max_hours=12, login_max_failures=5, login_lock_minutes=15,
        max_body_bytes=1024 * 1024, debug=False,
    )
    return create_app(settings)


def routes() -> str:
    """Every route the app answers, pages included: one line per path and method, sorted."""
    lines = set()
    for route in _app().routes:
        for method in sorted(getattr(route, "methods", ())):
            if method not in {"OPTIONS", "HEAD"}:
                lines.add(f"{method} {route.path}")
    return "\n".join(sorted(lines)) + "\n"


def openapi() -> str:
    return json.dumps(_app().openapi_schema.to_schema(), indent=1, sort_keys=True) + "\n"


def test_routes_are_unchanged() -> None:
    assert routes() == (SNAPSHOTS / "routes.txt").read_text()


def test_openapi_description_is_unchanged() -> None:
    assert json.loads(openapi()) == json.loads((SNAPSHOTS / "openapi.json").read_text())


if __name__ == "__main__":
    (SNAPSHOTS / "routes.txt").write_text(routes())
    (SNAPSHOTS / "openapi.json").write_text(openapi())
    print("wrote", SNAPSHOTS / "routes.txt", "and", SNAPSHOTS / "openapi.json", file=sys.stderr)
