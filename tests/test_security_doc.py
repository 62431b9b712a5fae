"""docs/security.md names a test for every claim, and every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+)(?:\[[^\]]*\])?)?`")


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")}


def test_every_claim_in_the_security_page_names_a_test_that_exists() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    claims = [row for row in rows if not re.match(r"\| (What|Fault)", row)]
    assert len(claims) >= 25, "the page lists its defences in tables"
    checked = 0
    for row in claims:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert "tests/" in cells[-1], f"a claim names no test: {row[:80]}"
        current: Path | None = None
        for match in NAMED.finditer(cells[-1]):
            file, name = match.groups()
            if file:
                current = ROOT / file
                assert current.exists(), f"{file} is named but does not exist"
                checked += 1
            if name:
                assert current is not None, f"::{name} follows no file in: {row[:80]}"
                assert name in functions_in(current), f"{current.relative_to(ROOT)}::{name} does not exist"
                checked += 1
    assert checked >= 50
