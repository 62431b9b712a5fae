"""What the glossary API takes and gives."""

from __future__ import annotations

import msgspec


class TermOut(msgspec.Struct):
    id: str
    term: str
    aliases: list[str]
    definition: str
    for_you: str
    stages: list[str]
    related: list[str]
    source: str
    locale: str  # the language the text is in
    fallback: bool  # true when shown in English because there is no Welsh entry yet
    reviewed: bool  # false for Welsh a fluent speaker has not yet checked
    needs_checking: bool  # a fact a reviewer should still check against its source
    local: bool  # added by a team, not shipped
    url: str


class LocalEntryIn(msgspec.Struct, forbid_unknown_fields=True):
    locale: str
    term: str
    definition: str
    for_you: str
    stages: list[str]
    aliases: list[str] = msgspec.field(default_factory=list)
    source: str = ""
