"""A real courtjourney to fuzz: a fresh database with the demo loaded, API tokens, `courtjourney serve`
on a free port; and the ids of the records each demo user may see, read through the API itself."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import _pg_database_url, _pg_exec, postgres_admin_url, run_async
from tests.served import CLI, ROOT, serving
# The demo's people the fuzz signs in as (README: "Trying it").
WORKER = "worker@demo.example"  # an IPSW in Demo North Hub: her own cases
OTHER_WORKER = "other.worker@demo.example"  # an IPSW in Demo South Hub: none of North's cases
MANAGER = "manager@demo.example"  # North's manager: the team's cases, and local glossary entries
PEOPLE = (WORKER, OTHER_WORKER, MANAGER)
# Per case: list endpoint -> the kind of id its records carry (hooks.py's parameter names).
CASE_LISTS = {
    "tasks": "task_id",
    "consents": "consent_id",
    "contacts": "contact_id",
    "family-members": "family_member_id",
    "proceedings": "proceeding_id",
    "hearings": "hearing_id",
    "subscriptions": "subscription_id",
    "outcomes": "outcome_id",
    "documents": "document_id",
    "incidents": "incident_id",
    "special-measures": "special_measure_id",
}


@dataclass
class Service:
    base: str
    tokens: dict[str, str]
    env: dict[str, str]
    log: Path
    backend: str
    seen: dict[str, set[Any]] = field(default_factory=dict)

    def get(self, path: str, email: str) -> Any:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.tokens[email]}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            data = json.load(answer)
        remember_values(data, self.seen)
        return data


def remember_values(data: Any, seen: dict[str, set[Any]]) -> None:
    """Note every short plain value an answer holds, by field name (hooks.py fills bodies with them)."""
    if isinstance(data, list):
        for item in data:
            remember_values(item, seen)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                remember_values(value, seen)
            elif key != "id" and not key.endswith("_id") and (
                isinstance(value, (bool, int)) or (isinstance(value, str) and 0 < len(value) <= 80)
            ):
                seen.setdefault(key, set()).add(value)


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A new, empty database for one fuzz run; PostgreSQL's is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / 'fuzz.db'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        raise RuntimeError("no PostgreSQL answers on 127.0.0.1:5432 and COURTJOURNEY_TEST_POSTGRES_URL is not set")
    name = f"fuzz_{uuid.uuid4().hex[:10]}"
    run_async(lambda: _pg_exec(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_database_url(admin, name)
    finally:
        run_async(lambda: _pg_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _cli(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(CLI + args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"courtjourney {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def served(tmp: Path, backend: str = "sqlite") -> Iterator[Service]:
    """`courtjourney init`, `demo`, `users token` for each of PEOPLE, then `serve` until the block ends."""
    tmp.mkdir(parents=True, exist_ok=True)
    with database(backend, tmp) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
        env.update({
            "COURTJOURNEY_DATABASE_URL": url,
            "COURTJOURNEY_KEY_FILE": str(tmp / "secret.key"),
            "COURTJOURNEY_SECURE_COOKIES": "false",
        })
        _cli(["init"], env)
        _cli(["demo"], env)
        tokens = {email: _cli(["users", "token", email, "--name", "fuzz"], env).split()[-1] for email in PEOPLE}
        log = tmp / "serve.log"
        with serving(env, log) as base:
            service = Service(base=base, tokens=tokens, env=env, log=log, backend=backend)
            add_a_photo(service)
            yield service


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def add_a_photo(service: Service) -> None:
    """The demo holds no evidence files: add one to the IPSW's first incident, through the API, so
    downloading one can be fuzzed too."""
    for case in service.get("/api/cases", WORKER):
        incidents = service.get(f"/api/cases/{case['id']}/incidents", WORKER)
        if incidents:
            answer = httpx.post(
                f"{service.base}/api/cases/{case['id']}/incidents/{incidents[0]['id']}/evidence",
                headers={"Authorization": f"Bearer {service.tokens[WORKER]}"},
                files={"file": ("doorbell.png", PNG, "image/png")}, timeout=30,
            )
            answer.raise_for_status()
            return


def records_of(service: Service, email: str) -> dict[str, dict[str, list[str]]]:
    """For each case `email` may see: kind of record -> ids, read through the API as them."""
    cases: dict[str, dict[str, list[str]]] = {}
    for case in service.get("/api/cases", email):
        case_id = case["id"]
        kinds: dict[str, list[str]] = {"user_id": [], "rule": []}
        kinds["user_id"] = list(service.get(f"/api/cases/{case_id}", email)["worker_ids"])
        for endpoint, kind in CASE_LISTS.items():
            kinds[kind] = [row["id"] for row in service.get(f"/api/cases/{case_id}/{endpoint}", email)]
        kinds["charge_id"] = [
            charge["id"]
            for proceeding_id in kinds["proceeding_id"]
            for charge in service.get(f"/api/cases/{case_id}/proceedings/{proceeding_id}/charges", email)
        ]
        plan = service.get(f"/api/cases/{case_id}/support-plan", email)
        kinds["item_id"] = [row["id"] for row in plan["items"]]
        kinds["review_id"] = [row["id"] for row in plan["reviews"]]
        kinds["rule"] = sorted({row["rule"] for row in service.get(f"/api/cases/{case_id}/deadlines", email)})
        kinds["evidence_id"] = [
            evidence["id"]
            for incident_id in kinds["incident_id"]
            for evidence in service.get(f"/api/cases/{case_id}/incidents/{incident_id}", email)["evidence"]
        ]
        cases[case_id] = kinds
    return cases


def form_choices() -> dict[str, list[str]]:
    """Every choice field of every form the API cleans its bodies with (courtjourney/*/forms.py): field
    name -> the values it takes. Fields of one name in several forms (`status`) get all their values."""
    import importlib
    import pkgutil

    import courtjourney
    from courtjourney.web.forms import Field

    choices: dict[str, set[str]] = {}
    for module_info in pkgutil.walk_packages(courtjourney.__path__, "courtjourney."):
        if not module_info.name.endswith(".forms"):
            continue
        for value in vars(importlib.import_module(module_info.name)).values():
            fields = value if isinstance(value, tuple) else ()
            for item in fields:
                if isinstance(item, Field) and item.kind == "choice":
                    choices.setdefault(item.name, set()).update(key for key, _label in item.choices)
    return {name: sorted(keys) for name, keys in choices.items()}


def id_pool(service: Service, email: str, hidden_share: float) -> dict[str, Any]:
    """What hooks.py reads from FUZZ_IDS when fuzzing as `email`: their cases' records, and the records
    of every case of the other demo people that `email` may not see."""
    visible = records_of(service, email)
    hidden: dict[str, dict[str, list[str]]] = {}
    for other in PEOPLE:
        if other != email:
            hidden.update({c: kinds for c, kinds in records_of(service, other).items() if c not in visible})
    people = {service.get("/api/me", person)["id"] for person in PEOPLE}  # colleagues, and people of another team
    shared = {
        "user_id": sorted(people | {u for kinds in visible.values() for u in kinds["user_id"]}),
        "rule": sorted({r for kinds in visible.values() for r in kinds["rule"]}),
        "term_id": [term["id"] for term in service.get("/api/glossary", email)][:40],
    }
    for kinds in (*visible.values(), *hidden.values()):
        del kinds["user_id"], kinds["rule"]
    values = {key: sorted(found, key=repr)[:40] for key, found in service.seen.items()}
    for name, keys in form_choices().items():
        values[name] = sorted(set(values.get(name, [])) | set(keys))
    return {"visible": visible, "hidden": hidden, "shared": shared, "values": values, "hidden_share": hidden_share}
