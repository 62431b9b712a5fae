"""The tamper-evident chain over a case's incident log. Pure: no database here.

Each entry of a case's log (an incident, an amendment, an evidence file, a passing-on to the police)
is turned into a canonical form: JSON with sorted keys, no spaces, UTF-8, times in UTC to the
microsecond, ids as text. Its link is

    HMAC-SHA256(key, previous link + "\\n" + canonical form)

with the first entry's previous link being 64 zeros. The key is derived from the server secret and
never stored, so someone with only the database can neither recompute a link after changing a row
nor forge one for a row they insert. The entry's position, type, id and case are in the canonical
form, so rows cannot be moved, swapped or reused in another case without the chain breaking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
KEY_PURPOSE = "incident-chain/v1"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("times in the chain must carry a time zone")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in the chain's canonical form")


def canonical(entry_type: str, seq: int, fields: Mapping[str, Any]) -> bytes:
    """The bytes an entry's link is computed over."""
    body = {name: _plain(value) for name, value in fields.items()}
    body["entry_type"] = entry_type
    body["seq"] = seq
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def next_link(key: bytes, previous: str, form: bytes) -> str:
    return hmac.new(key, previous.encode("ascii") + b"\n" + form, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored link: position, which row it stands for, and the stored HMAC."""

    seq: int
    entry_type: str
    entry_id: UUID
    link: str


@dataclass(frozen=True)
class Verdict:
    """The result of checking a case's chain. `broken_at` is the first position that fails."""

    entries: int
    last_link: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(
    key: bytes,
    links: Iterable[Link],
    forms: Mapping[UUID, bytes | None],
    unlinked: Iterable[tuple[str, UUID]] = (),
) -> Verdict:
    """Check every link in order. `forms` maps each linked entry id to its canonical form as it is
    now (None when the row is gone); `unlinked` lists rows of the case that no link stands for.

    Problems are described without any of the entry's content (the message may be printed or logged).
    """
    ordered = sorted(links, key=lambda link: link.seq)
    previous = GENESIS
    for expected_seq, item in enumerate(ordered, start=1):
        if item.seq != expected_seq:
            return Verdict(
                len(ordered),
                ordered[-1].link,
                expected_seq,
                f"entry {expected_seq} is missing: the log jumps from entry {expected_seq - 1} to {item.seq}",
            )
        form = forms.get(item.entry_id)
        if form is None:
            return Verdict(
                len(ordered),
                ordered[-1].link,
                item.seq,
                f"entry {item.seq} ({item.entry_type} {item.entry_id}) has been removed",
            )
        if not hmac.compare_digest(next_link(key, previous, form), item.link):
            return Verdict(
                len(ordered),
                ordered[-1].link,
                item.seq,
                f"entry {item.seq} ({item.entry_type} {item.entry_id}) was changed after it was recorded, "
                "or is not in its recorded place",
            )
        previous = item.link
    stray = next(iter(unlinked), None)
    if stray is not None:
        return Verdict(
            len(ordered),
            previous,
            len(ordered) + 1,
            f"a {stray[0]} ({stray[1]}) was added to the log without going through the service",
        )
    return Verdict(len(ordered), previous)
