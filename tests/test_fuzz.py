"""The JSON API under Schemathesis, bounded to fit the test suite (`make fuzz` runs the full plan).

A real `courtjourney serve` on a fresh demo database, fuzzed over HTTP as the demo IPSW (every
operation), as a worker of another team (every operation on a case, mostly naming cases she may not
see) and as a manager (what only managers may do). See tests/fuzz/__init__.py for how.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import BACKENDS_RAN, postgres_admin_url
from tests.fuzz.run import CASE_PATHS, Outcome, Pass, Plan, fuzz_service, summary
from tests.fuzz.service import MANAGER, OTHER_WORKER, WORKER

# SQLite gets the larger share: PostgreSQL answers the same requests about half as fast. Schemathesis'
# coverage phase (boundary and wrong-type values for every parameter) runs in the IPSW's pass only.
BOUNDED = {
    "sqlite": Plan(examples=5, seed=9, passes=(
        Pass(WORKER, 5),
        Pass(OTHER_WORKER, 5, hidden_share=0.8, only=CASE_PATHS, phases="fuzzing"),
        Pass(MANAGER, 10, only=r"^/api/glossary/local$|/audit$|^/api/referrals/", phases="fuzzing"),
    )),
    "postgresql": Plan(examples=15, seed=9, passes=(
        Pass(WORKER, 15, phases="examples,fuzzing,stateful"),
        Pass(OTHER_WORKER, 5, hidden_share=0.8, only=CASE_PATHS, phases="fuzzing"),
    )),
}
LEAST_PER_OPERATION = 3  # and at least 1 for an operation that takes no input, so has 1 request to make
LEAST_IN_ALL = {"sqlite": 1000, "postgresql": 500}


@dataclass
class Fuzzed:
    backend: str
    outcomes: list[Outcome]
    trouble: list[str]
    operations: dict[str, bool]  # operation -> whether it takes input

    def report(self) -> str:
        text = summary(self.outcomes, self.trouble, self.operations, 0, self.backend)
        for outcome in self.outcomes:
            if outcome.failures or outcome.exit_code:
                text += f"\n--- Schemathesis as {outcome.email} ---\n{outcome.output[-12000:]}"
        return text

    def as_(self, email: str) -> Outcome:
        return next(o for o in self.outcomes if o.email == email)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    backend = request.param
    if backend == "postgresql" and postgres_admin_url() is None:
        pytest.skip("PostgreSQL: no server answers on 127.0.0.1:5432 and COURTJOURNEY_TEST_POSTGRES_URL is not set")
    outcomes, trouble, listed = fuzz_service(tmp_path_factory.mktemp(f"fuzz-{backend}"), backend, BOUNDED[backend])
    BACKENDS_RAN.add(backend)
    yield Fuzzed(backend, outcomes, trouble, listed)


def test_no_server_error_and_no_answer_outside_the_openapi_description(fuzzed: Fuzzed) -> None:
    assert all(o.exit_code == 0 and o.failures == 0 for o in fuzzed.outcomes), fuzzed.report()


def test_the_server_logged_no_failure_of_its_own(fuzzed: Fuzzed) -> None:
    assert fuzzed.trouble == [], fuzzed.report()


def test_every_operation_was_fuzzed_many_times(fuzzed: Fuzzed) -> None:
    per_operation = fuzzed.as_(WORKER).per_operation()
    too_few = {
        op: per_operation.get(op, 0)
        for op, takes_input in fuzzed.operations.items()
        if per_operation.get(op, 0) < (LEAST_PER_OPERATION if takes_input else 1)
    }
    assert len(fuzzed.operations) > 60 and not too_few, fuzzed.report()
    assert sum(o.requests for o in fuzzed.outcomes) >= LEAST_IN_ALL[fuzzed.backend], fuzzed.report()


def test_requests_reach_real_records_not_only_not_found(fuzzed: Fuzzed) -> None:
    """Most operations on a case answered 2xx at least once: the ids in the path were real."""
    counts = fuzzed.as_(WORKER).counts
    on_a_case = [op for op in fuzzed.operations if "{case_id}" in op]
    reached = [op for op in on_a_case if any(status.startswith("2") for status in counts.get(op, {}))]
    assert len(reached) >= len(on_a_case) * 0.6, fuzzed.report()


def test_a_case_the_user_may_not_see_answers_only_404(fuzzed: Fuzzed) -> None:
    hidden = fuzzed.as_(OTHER_WORKER).hidden
    statuses = {status for by_status in hidden.values() for status in by_status}
    assert sum(sum(by_status.values()) for by_status in hidden.values()) >= 100, fuzzed.report()
    assert len(hidden) >= 40, fuzzed.report()  # nearly every operation on a case was tried on a hidden one
    # 401: sent without the token; 405: a method the address does not take, whatever the case.
    assert statuses <= {"404", "401", "405"}, fuzzed.report()
