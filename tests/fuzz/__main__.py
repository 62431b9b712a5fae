"""`make fuzz`: the full fuzz of the JSON API (see tests/fuzz/__init__.py). Exits 1 on any failure."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.fuzz.run import FULL, Outcome, fuzz_service, summary


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=FULL.examples,
                        help=f"Schemathesis test cases per operation and phase for the main pass (default {FULL.examples})")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=FULL.seed)
    parser.add_argument("--workers", type=int, default=1,
                        help="Requests Schemathesis keeps in flight at once (default 1; more can trip a race inside "
                             "Hypothesis on Python 3.11, reported as a Runtime Error, not a failure of ours)")
    parser.add_argument("--work", type=Path, default=None, help="Keep the database, logs and reports here")
    args = parser.parse_args()
    plan = FULL.scaled(args.examples, args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="courtjourney-fuzz-"))
    started = time.monotonic()
    outcomes, trouble, operations = fuzz_service(work, args.backend, plan, args.workers)
    print(summary(outcomes, trouble, operations, time.monotonic() - started, args.backend))
    for outcome in outcomes:
        if outcome.failures or outcome.exit_code:
            print(f"\n--- Schemathesis as {outcome.email} ---\n{outcome.output[-20000:]}")
    print(f"\nLogs and reports: {work}")
    failed = any(o.failures or o.exit_code for o in outcomes) or trouble or sum(o.requests for o in outcomes) < 1000
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
