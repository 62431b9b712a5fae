"""Fuzzing the JSON API with Schemathesis against our own OpenAPI description (/schema/openapi.json).

A real service is started for each run (`courtjourney init`, `demo`, `users token`, `serve` on a free
port, over real HTTP, on SQLite or PostgreSQL), and `schemathesis run` (its examples, coverage, fuzzing
and stateful phases) is pointed at it once per demo person, with their API token:

    service.py  the served instance, and the ids of the records each demo person may see
    hooks.py    Schemathesis hooks (real ids and plausible values into generated requests; a count of
                every request) and our two privacy checks; loaded by the CLI through SCHEMATHESIS_HOOKS
    run.py      one pass of the CLI, the plan of passes, and the summary table
    __main__.py `make fuzz` (python -m tests.fuzz --examples N --backend sqlite|postgresql)

Checks: Schemathesis' not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance, plus hidden_case_is_not_found and no_hidden_records_in_response (hooks.py).
tests/test_fuzz.py runs a bounded plan inside the test suite; `make fuzz` runs the full one.
To see why requests are refused while tuning the hooks, set FUZZ_TRACE to a file: every 4xx is appended.
"""
