"""The packages of courtjourney import only downwards (issue 14): no two import each other, and no
part imports the layer above it. Read from the source with `ast`, every import counted, including
those inside functions and under TYPE_CHECKING: a late import is still a dependency.

The layers are LAYERS below, lowest first.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "courtjourney"

#: unit -> rank. A unit may import units of a lower rank, and those of its own rank listed in SIDEWAYS.
LAYERS: dict[str, int] = {
    # the ground: no courtjourney imports but each other's
    "errors": 0,
    "settings": 0,
    "workdays": 0,
    "figures": 0,
    "i18n": 1,
    "law": 2,  # the law's numbers as dated rows: imports nothing from courtjourney
    "db": 2,  # base, engine, rows: imports settings and errors only
    "web": 3,  # the page kit: forms, pages, schemas, errors, security
    "accounts": 4,  # identity, sessions, tokens, limits, audit (Actor)
    "cases": 5,  # the case, its people and journey; access.py hands `case` to every handler
    "documents": 6,  # the docx engine and the store of what was produced
    "search": 6,  # finding cases by reference or name: the keyed index is cases', the page and API are here
    "glossary": 7,  # terms, search, the term linker documents use; its printable lists use the engine
    "referrals": 7,  # the intake queue: accepting opens a case; the contact log asks it before a first contact
    "hearings": 8,  # proceedings, hearings, feeds, briefings, Witness Service packs
    "outcomes": 8,  # outcome measure, exit survey, equality monitoring: on the case page and in the report
    "contacts": 8,  # the contact log: checks hearing, incident and document ids by table name, imports neither
    "threats": 9,  # incidents: may read hearing days; hearings is handed the incident summary it needs
    "messages": 9,  # messages to families: notices of hearing changes (handed to hearings by the app), the outbox
    "debrief": 10,  # outcomes and what follows them: reads hearings' proceedings and charges
    "caseload": 11,  # pages across parts (caseload, case page, team page), drawn from each part's panels
    "reports": 12,  # the quarterly report: gathers each part's REPORT figures (panels.py), exports, freezes
    # aggregators: import every part, imported by none
    "app": 20,
    "cli": 21,
    "demo": 20,
    "schema": 20,
    "migrations": 20,
    "backup": 20,
    "previews": 20,
    "__init__": 0,
}

#: (importer, imported) pairs of one rank that are allowed, each with its reason.
SIDEWAYS: dict[tuple[str, str], str] = {
    ("migrations", "schema"): "Alembic compares the database with the metadata of every model",
    ("backup", "schema"): "the manifest counts every table, so every model must be loaded",
    ("backup", "migrations"): "a restore checks the backup's revision and brings an older one up to date",
    ("previews", "demo"): "the templates are previewed against the demo's fictional caseload",
    ("previews", "migrations"): "the previews' throwaway database is migrated first",
}

#: Known exceptions, each with its reason. Keep this short.
ALLOWED: dict[tuple[str, str], str] = {}


def unit_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "courtjourney":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def imports() -> set[tuple[str, str, str]]:
    """(importing unit, imported unit, file) for every courtjourney import in the package."""
    found: set[tuple[str, str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        here = unit_of(module)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    names = [".".join([*base, node.module] if node.module else base)]
                else:
                    names = [node.module or ""]
                if names[0] == "courtjourney":
                    names = [f"courtjourney.{a.name}" for a in node.names]
            for name in names:
                there = unit_of(name)
                if here and there and here != there:
                    found.add((here, there, str(path.relative_to(PACKAGE.parent))))
    return found


def test_every_unit_has_a_layer() -> None:
    units = {
        unit_of(".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)) for p in PACKAGE.rglob("*.py")
    }
    assert units - set(LAYERS) == set(), "give each new package a rank in LAYERS"


def test_no_two_packages_import_each_other() -> None:
    pairs = {(a, b) for a, b, _f in imports()}
    both = sorted({tuple(sorted(p)) for p in pairs if (p[1], p[0]) in pairs})
    assert both == [], f"packages that import each other: {both}"


def test_no_package_imports_upwards() -> None:
    wrong = sorted(
        f"{f}: {a} (rank {LAYERS[a]}) imports {b} (rank {LAYERS[b]})"
        for a, b, f in imports()
        if a in LAYERS
        and b in LAYERS
        and (a, b) not in ALLOWED
        and (LAYERS[b] > LAYERS[a] or (LAYERS[b] == LAYERS[a] and (a, b) not in SIDEWAYS))
    )
    assert wrong == [], "imports against the layers:\n" + "\n".join(wrong)


def test_the_allow_lists_say_why_and_are_still_needed() -> None:
    found = {(a, b) for a, b, _f in imports()}
    for pair, reason in {**SIDEWAYS, **ALLOWED}.items():
        assert reason.strip(), f"{pair} needs its reason"
        assert pair in found, f"{pair} is allowed but no longer happens: take it off the list"
