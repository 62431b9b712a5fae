"""Schemathesis hooks and checks for fuzzing courtjourney's JSON API (loaded by `schemathesis run`
through SCHEMATHESIS_HOOKS; see tests/fuzz/__init__.py).

Random ids only ever reach "not found", so `map_case` swaps well-formed ids in the path and body for
real ones of the case it picks: mostly a case the token's user may see (with that case's own
hearings, incidents, tasks...), sometimes a case they may not see, sometimes the random id kept.
Ids the API hands back while fuzzing (a new hearing, a new incident) join the pool, so later
requests reach what earlier ones made. Our bodies are loose in the schema on purpose (every field
optional, so a missing one gets a plain-English message rather than a type error), so a generated
body is rarely one the API takes; most of the valid ("positive") bodies are therefore filled in with
values the API itself gave in answers (a court name), the choices our forms take (a hearing type:
tests/fuzz/service.py reads them from courtjourney/*/forms.py), or a plain date or time. Two checks guard privacy: a case the user may not see
answers 404, and no answer carries an id of such a case's records unless the request sent it.

The choice is made from a hash of what Schemathesis generated, not from a random source, so a seed
replays the same run. Every request is counted per operation and status, and apart those for a case
the user may not see, written to FUZZ_COUNTS as {"operations": {...}, "hidden": {...}}.

Reads FUZZ_IDS, a JSON file:
    {"visible": {case_id: {kind: [id, ...]}}, "hidden": {case_id: {kind: [id, ...]}},
     "shared": {kind: [id, ...]}, "values": {field: [value, ...]}, "hidden_share": 0.15}
where a kind is a path or body parameter name such as "hearing_id".
Stdlib and schemathesis only: the hooks file is loaded on its own, not as part of a package.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import os
import random
import re
import threading
from collections import defaultdict
from typing import Any

import schemathesis

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UUID_ANYWHERE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Body fields that name a record of another kind.
ALIASES = {
    "reported_by_member_id": "family_member_id",
    "assigned_to_id": "user_id",
    "worker_id": "user_id",
    "incident_ids": "incident_id",
}
# What the last step of a path makes or lists: its records' ids are of this kind.
MADE_BY = {
    "cases": "case_id",
    "tasks": "task_id",
    "consents": "consent_id",
    "contacts": "contact_id",
    "family-members": "family_member_id",
    "proceedings": "proceeding_id",
    "charges": "charge_id",
    "hearings": "hearing_id",
    "subscriptions": "subscription_id",
    "replace": "subscription_id",
    "outcomes": "outcome_id",
    "items": "item_id",
    "reviews": "review_id",
    "documents": "document_id",
    "briefings": "document_id",
    "witness-pack": "document_id",
    "incidents": "incident_id",
    "amendments": "incident_id",
    "evidence": "evidence_id",
    "special-measures": "special_measure_id",
}
# Kinds shared by every case (people, glossary words); the rest belong to one case.
SHARED_KINDS = {"user_id", "term_id", "rule"}

_lock = threading.Lock()
_pool: dict[str, Any] = {"visible": {}, "hidden": {}, "shared": {}, "values": {}, "hidden_share": 0.15}
_hidden_ids: set[str] = set()
_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
_hidden_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
# Records as the API gave them, by (case id, kind): a body can start as one of these, sent back.
_objects: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)


def _load() -> None:
    path = os.environ.get("FUZZ_IDS")
    if not path:
        return
    with open(path, encoding="utf-8") as f:
        _pool.update(json.load(f))
    for case_id, kinds in _pool["hidden"].items():
        _hidden_ids.add(case_id)
        for ids in kinds.values():
            _hidden_ids.update(ids)


def _save() -> None:
    path = os.environ.get("FUZZ_COUNTS")
    if path:
        with _lock, open(path, "w", encoding="utf-8") as f:
            json.dump({
                "operations": {op: dict(by_status) for op, by_status in _counts.items()},
                "hidden": {op: dict(by_status) for op, by_status in _hidden_counts.items()},
            }, f, indent=1, sort_keys=True)


_load()
atexit.register(_save)


def _rng(case: Any) -> random.Random:
    seen = repr((case.operation.label, sorted((case.path_parameters or {}).items()), case.query, case.body))
    return random.Random(hashlib.sha256(seen.encode("utf-8", "surrogatepass")).digest())


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(UUID.match(value))


def _pick_case(rng: random.Random, needs: list[str]) -> tuple[str, dict[str, list[str]]] | None:
    """A case for this request, preferring one that has records of every kind the path `needs`."""
    roll = rng.random()
    for cases, share in ((_pool["hidden"], _pool["hidden_share"]), (_pool["visible"], 0.9)):
        if roll < share and cases:
            fitting = sorted(c for c, records in cases.items() if all(records.get(kind) for kind in needs))
            case_id = rng.choice(fitting or sorted(cases))
            return case_id, cases[case_id]
    return None


def _real(kind: str, records: dict[str, list[str]], rng: random.Random) -> str | None:
    ids = _pool["shared"].get(kind) if kind in SHARED_KINDS else records.get(kind)
    return rng.choice(ids) if ids and rng.random() < 0.85 else None


def _body_properties(case: Any) -> dict[str, Any]:
    """The JSON properties the operation's request body documents (empty when it takes none)."""
    raw = case.operation.schema.raw_schema
    try:
        schema = raw["paths"][case.operation.path][case.operation.method.lower()]["requestBody"]["content"]
        schema = schema["application/json"]["schema"]
    except (KeyError, TypeError):
        return {}
    while "$ref" in schema:
        schema = raw["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return dict(schema.get("properties") or {})


def _plain_value(name: str, prop: dict[str, Any], rng: random.Random) -> Any:
    """A value of the documented type that a person might type: a near date, a time, short text."""
    options = prop.get("oneOf") or [prop]
    kinds = [o for o in options if o.get("type") != "null"] or options
    chosen = kinds[0]
    kind, fmt = chosen.get("type"), chosen.get("format")
    today = dt.date.today()
    if "enum" in chosen:
        return rng.choice(chosen["enum"])
    if fmt == "date":
        return (today + dt.timedelta(days=rng.randint(-400, 60))).isoformat()
    if fmt == "date-time":
        moment = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=rng.randint(-9000, 4000))
        return moment.isoformat().replace("+00:00", "Z")
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "integer":
        return rng.randint(max(int(chosen.get("minimum", 0)), 0), min(int(chosen.get("maximum", 60)), 60))
    if kind == "array":
        return []
    if kind == "string":
        if name.endswith("_time"):
            return f"{rng.randint(8, 17):02d}:{rng.choice(['00', '15', '30'])}"
        return rng.choice(["Fuzz note", "Seen outside school", "Northtown", "A short note from the fuzz run"])
    return None


def _made_kind(operation: Any) -> str | None:
    """The kind of record an operation's path makes, lists or names last (`/outcomes/{outcome_id}`: outcome_id)."""
    steps = [s for s in operation.path.split("/") if s and not s.startswith("{")]
    return MADE_BY.get(steps[-1]) if steps else None


def _fill_in(case: Any, body: dict[str, Any], case_id: str | None, records: dict[str, list[str]],
             rng: random.Random) -> None:
    """Give most documented fields a value the API is likely to take (see the module docstring):
    sometimes all at once, from a record of the same kind as the API gave it."""
    properties = _body_properties(case)
    given = _objects.get((case_id or "", _made_kind(case.operation) or ""))
    if given and rng.random() < 0.35:
        record = rng.choice(given)
        body.update({name: record[name] for name in properties if name in record})
        return
    learned = _pool["values"]
    for name, prop in properties.items():
        if rng.random() < 0.15:
            continue
        kind = ALIASES.get(name, name)
        if kind.endswith("_id") or kind in SHARED_KINDS:
            real = _real(kind, records, rng)
            if real is not None:
                body[name] = [real] if name.endswith("_ids") else real
            continue
        if learned.get(name):
            body[name] = rng.choice(learned[name])
        else:
            value = _plain_value(name, prop, rng)
            if value is not None:
                body[name] = value


def _positive(case: Any) -> bool:
    meta = case.meta
    return meta is not None and getattr(meta.generation.mode, "value", "") == "positive"


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    """Point well-formed ids at real records (see the module docstring)."""
    rng = _rng(case)
    params = case.path_parameters
    records: dict[str, list[str]] = {}
    if params and _is_id(params.get("case_id")):
        in_body = [ALIASES.get(name, name) for name in _body_properties(case)]
        needs = [name for name in (*params, *in_body) if name.endswith("_id") and name != "case_id" and name not in SHARED_KINDS]
        picked = _pick_case(rng, needs)
        if picked is not None:
            params["case_id"], records = picked
    with _lock:
        if params:
            for name, value in list(params.items()):
                if name == "case_id":
                    continue
                if name == "rule" or name == "term_id" or _is_id(value):
                    real = _real(name, records, rng)
                    if real is not None:
                        params[name] = real
            case.path_parameters = params
        if isinstance(case.body, dict):
            body = dict(case.body)
            for name, value in body.items():
                kind = ALIASES.get(name, name)
                if _is_id(value):
                    real = _real(kind, records, rng)
                    if real is not None:
                        body[name] = real
                elif isinstance(value, list) and value and all(_is_id(v) for v in value):
                    body[name] = [_real(kind, records, rng) or v for v in value]
            if _positive(case) and rng.random() < 0.7:
                _fill_in(case, body, (case.path_parameters or {}).get("case_id"), records, rng)
            case.body = body
    return case


def _learn(case: Any, response: Any) -> None:
    """Add the ids of records the API hands back to the pool of the case they belong to, and the
    plain values it gives to those bodies are filled with."""
    if not 200 <= response.status_code < 300 or "json" not in (response.headers.get("content-type") or [""])[0]:
        return
    try:
        data = json.loads(response.content)
    except ValueError:
        return
    _learn_values(data)
    case_id = (case.path_parameters or {}).get("case_id")
    if case_id is not None and case_id not in _pool["visible"]:
        return
    kind = _made_kind(case.operation)
    if kind is None:
        return
    rows = data if isinstance(data, list) else [data]
    found = [r["id"] for r in rows if isinstance(r, dict) and _is_id(r.get("id"))]
    if kind == "case_id":
        for new_case in found:
            _pool["visible"].setdefault(new_case, {})
        return
    if case_id is None:
        return
    known = _pool["visible"][case_id].setdefault(kind, [])
    for record_id in found:
        if record_id not in known and record_id not in _hidden_ids:
            known.append(record_id)
    kept = _objects[(case_id, kind)]
    for row in rows:
        if isinstance(row, dict) and row.get("id") in found and len(kept) < 8 and row not in kept:
            kept.append(row)


def _learn_values(data: Any) -> None:
    """Note short plain values by field name, as tests/fuzz/service.py does for the first answers."""
    if isinstance(data, list):
        for item in data:
            _learn_values(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                _learn_values(value)
            elif key != "id" and not key.endswith("_id") and (
                isinstance(value, (bool, int)) or (isinstance(value, str) and 0 < len(value) <= 80)
            ):
                known = _pool["values"].setdefault(key, [])
                if value not in known and len(known) < 40:
                    known.append(value)


@schemathesis.hook
def after_call(ctx: Any, case: Any, response: Any) -> None:
    with _lock:
        _counts[case.operation.label][str(response.status_code)] += 1
        if (case.path_parameters or {}).get("case_id") in _pool["hidden"]:
            _hidden_counts[case.operation.label][str(response.status_code)] += 1
        _learn(case, response)
        trace = os.environ.get("FUZZ_TRACE")  # a file to append every 4xx answer to, when tuning the hooks
        if trace and 400 <= response.status_code < 500:
            with open(trace, "a", encoding="utf-8") as f:
                f.write(f"{case.operation.label}\t{response.status_code}\t{json.dumps(case.body, default=str)[:300]}"
                        f"\t{response.content[:300].decode('utf-8', 'replace')}\n")


@schemathesis.check
def hidden_case_is_not_found(ctx: Any, response: Any, case: Any) -> bool | None:
    """A case the user may not see answers 404, exactly like one that does not exist (or 401 to a
    request sent without the token, or 429)."""
    case_id = (case.path_parameters or {}).get("case_id")
    if case.method.upper() != case.operation.method.upper():
        return None  # a method this address does not take answers 405 whatever the case
    if case_id in _pool["hidden"] and response.status_code not in (401, 404, 429):
        raise AssertionError(
            f"A case this user may not see answered {response.status_code}; it must answer 404."
        )
    return None


@schemathesis.check
def no_hidden_records_in_response(ctx: Any, response: Any, case: Any) -> bool | None:
    """No answer carries an id of a record in a case the user may not see (unless they sent it)."""
    if not _hidden_ids:
        return None
    text = response.content.decode("utf-8", "replace").lower()
    sent = json.dumps([case.path_parameters, case.query, case.body], default=str).lower()
    leaked = {i for i in UUID_ANYWHERE.findall(text) if i in _hidden_ids and i not in sent}
    if leaked:
        raise AssertionError(f"The answer names {len(leaked)} record(s) of a case this user may not see.")
    return None
