"""One fuzz pass: `schemathesis run` against a served courtjourney as one demo person, and what came of it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fuzz.service import MANAGER, OTHER_WORKER, WORKER, Service, id_pool, served

HOOKS = Path(__file__).with_name("hooks.py")
SCHEMATHESIS = [sys.executable, "-m", "schemathesis.cli"]
ALL_PHASES = "examples,coverage,fuzzing,stateful"
# Schemathesis' own checks we hold the API to, and ours from hooks.py.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "hidden_case_is_not_found",
    "no_hidden_records_in_response",
]


@dataclass
class Outcome:
    """What one pass did: requests per operation and status, failures found, and the CLI's own words."""

    email: str
    exit_code: int
    counts: dict[str, dict[str, int]]
    hidden: dict[str, dict[str, int]]
    report: dict[str, Any]
    output: str
    seconds: float

    @property
    def requests(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.counts.values())

    @property
    def hidden_requests(self) -> int:
        return sum(sum(by_status.values()) for by_status in self.hidden.values())

    @property
    def failures(self) -> int:
        return int(self.report.get("test_cases", {}).get("with_failures", 0)) + len(self.report.get("errors") or [])

    def per_operation(self) -> dict[str, int]:
        return {op: sum(by_status.values()) for op, by_status in self.counts.items()}


def fuzz(
    service: Service,
    email: str,
    work: Path,
    *,
    examples: int,
    seed: int,
    hidden_share: float = 0.15,
    only: str | None = None,
    phases: str = ALL_PHASES,
    workers: int = 1,
) -> Outcome:
    """Fuzz every operation (or those whose path matches the regex `only`) as `email`."""
    work.mkdir(parents=True, exist_ok=True)
    ids, counts, report = work / "ids.json", work / "counts.json", work / "report.json"
    ids.write_text(json.dumps(id_pool(service, email, hidden_share)))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SCHEMATHESIS_")},
        "SCHEMATHESIS_HOOKS": str(HOOKS),
        "FUZZ_IDS": str(ids),
        "FUZZ_COUNTS": str(counts),
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }
    command = [
        *SCHEMATHESIS, "run", f"{service.base}/schema/openapi.json",
        "--header", f"Authorization: Bearer {service.tokens[email]}",
        "--checks", ",".join(CHECKS),
        "--max-examples", str(examples),
        "--seed", str(seed),
        "--phases", phases,
        "--workers", str(workers),
        "--request-timeout", "60",
        "--generation-database", "none",
        "--report", "json", "--report-json-path", str(report),
        "--no-color",
    ]
    if only:
        command += ["--include-path-regex", only]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, timeout=3600)
    counted = json.loads(counts.read_text()) if counts.exists() else {}
    return Outcome(
        email=email,
        exit_code=done.returncode,
        counts=counted.get("operations", {}),
        hidden=counted.get("hidden", {}),
        report=json.loads(report.read_text()) if report.exists() else {},
        output=done.stdout + done.stderr,
        seconds=time.monotonic() - started,
    )


def operations(service: Service) -> dict[str, bool]:
    """Every operation the service's OpenAPI description lists, as Schemathesis labels them, and whether
    it takes any input (parameters or a body) that can be varied."""
    with urllib.request.urlopen(f"{service.base}/schema/openapi.json", timeout=30) as answer:
        schema = json.load(answer)
    return {
        f"{method.upper()} {path}": bool(operation.get("parameters") or operation.get("requestBody"))
        for path, methods in sorted(schema["paths"].items())
        for method, operation in methods.items()
    }


SERVER_TROUBLE = re.compile(r'Traceback|ERROR|unhandled error|" 5\d\d ')


def server_errors_in_log(service: Service) -> list[str]:
    """Lines of the server's log that say something failed on our side (a 5xx, a traceback)."""
    return [line for line in service.log.read_text(errors="replace").splitlines() if SERVER_TROUBLE.search(line)]


@dataclass(frozen=True)
class Pass:
    """Fuzz as `email`, `examples` test cases per operation and phase; `hidden_share` of the requests
    naming a case name one they may not see; `only` limits the pass to paths matching a regex;
    `phases` are Schemathesis' (its coverage phase makes a fixed, large set of requests per operation)."""

    email: str
    examples: int
    hidden_share: float = 0.1
    only: str | None = None
    phases: str = ALL_PHASES


@dataclass(frozen=True)
class Plan:
    examples: int
    seed: int
    passes: tuple[Pass, ...]

    def scaled(self, examples: int, seed: int) -> Plan:
        """The same passes, each with its share of `examples`."""
        ratio = examples / self.examples
        return Plan(examples, seed, tuple(
            Pass(p.email, max(1, round(p.examples * ratio)), p.hidden_share, p.only, p.phases) for p in self.passes
        ))


CASE_PATHS = r"^/api/cases/\{case_id\}"
# `make fuzz`: the IPSW over every operation; her manager (the team's cases, audit trails, local
# glossary entries) at half the size; a worker of another team at a quarter, over every operation
# on a case, mostly naming cases she may not see.
FULL = Plan(examples=60, seed=20261123, passes=(
    Pass(WORKER, 60),
    Pass(MANAGER, 30),
    Pass(OTHER_WORKER, 15, hidden_share=0.8, only=CASE_PATHS),
))


def fuzz_service(
    work: Path, backend: str, plan: Plan, workers: int = 1
) -> tuple[list[Outcome], list[str], dict[str, bool]]:
    """Serve a fresh demo on `backend` and run every pass of `plan` against it, `workers` requests at a
    time. Returns each pass's outcome, the server log's lines about failures on our side, and the
    operations the schema lists."""
    with served(work / "service", backend) as service:
        outcomes = [
            fuzz(service, p.email, work / p.email.split("@")[0], examples=p.examples, seed=plan.seed,
                 hidden_share=p.hidden_share, only=p.only, phases=p.phases, workers=workers)
            for p in plan.passes
        ]
        return outcomes, server_errors_in_log(service), operations(service)


def summary(outcomes: list[Outcome], trouble: list[str], listed: dict[str, bool], seconds: float, backend: str) -> str:
    """A short table: per pass, requests, hidden-case requests, failures and time; then the totals."""
    lines = [f"Fuzzed courtjourney's JSON API on {backend}: {len(listed)} operations in the OpenAPI description.",
             f"{'as':28} {'requests':>9} {'hidden':>7} {'failures':>9} {'seconds':>8}  fewest requests to one operation"]
    for o in outcomes:
        per_op = o.per_operation()
        fewest = min(per_op.items(), key=lambda kv: kv[1]) if per_op else ("-", 0)
        lines.append(f"{o.email:28} {o.requests:>9} {o.hidden_requests:>7} {o.failures:>9} {o.seconds:>8.0f}  "
                     f"{fewest[1]} ({fewest[0]})")
    missed = sorted(set(listed) - {op for o in outcomes for op in o.counts})
    total = sum(o.requests for o in outcomes)
    failures = sum(o.failures for o in outcomes)
    lines.append(f"{'all':28} {total:>9} {sum(o.hidden_requests for o in outcomes):>7} {failures:>9} {seconds:>8.0f}")
    lines.append(f"Operations never requested: {', '.join(missed) or 'none'}")
    lines.append(f"Server log lines about failures on our side: {len(trouble)}")
    lines.extend(f"  {line}" for line in trouble[:20])
    lines.append(f"{total} requests, {failures} failures")
    return "\n".join(lines)
