"""Every error our own code raises, in one tree. How each is answered over HTTP is decided in one
place, web/errors.py; the command line prints the message and exits 1.

    CourtjourneyError             -- the root: anything we raise on purpose, with a plain-English message
    ├── InputError                -- what someone sent is wrong; a message per field (400, form shown again)
    │   └── MoveRefused           -- a stage move the journey does not allow, or that lacks its reason
    ├── NotFound                  -- no such thing at this address (404)
    │   └── CaseNotFound          -- no case here, or one this person may not see: the same answer (404)
    ├── RuleDoesNotApply          -- a legal rule asked of a case or outcome it is not for (said, not raised to HTTP)
    ├── Refused                   -- an action that must not happen now (a purge inside retention), with why
    ├── DataError                 -- data we ship or load is wrong (a glossary file, a Word template); names where
    │   ├── GlossaryDataError
    │   └── TemplateError
    └── BackupError               -- `courtjourney backup` or `restore` refused or failed; says why and what changed

Litestar's own HTTP exceptions (401, 403, 405, 413, 429) stay the framework's; our code raises
none of them except where the framework's meaning is exactly ours (a CSRF refusal is Litestar's).
"""

from __future__ import annotations

from collections.abc import Callable


class CourtjourneyError(Exception):
    """The root of every error courtjourney raises on purpose."""


class InputError(CourtjourneyError):
    """Bad input: `errors` maps each field name to a plain-English message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class MoveRefused(InputError):
    """A move that the journey does not allow, or that lacks the reason it needs (N_-marked message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: message})
        self.field = field
        self.message = message


class NotFound(CourtjourneyError):
    """Nothing of that kind at this address: answered 404 with the message."""

    def __init__(self, message: str = "Nothing was found at this address.") -> None:
        super().__init__(message)
        self.message = message


class CaseNotFound(NotFound):
    """No case here, or a case this person may not see: the two answers are the same on purpose."""

    def __init__(self) -> None:
        super().__init__("No case was found at this address.")


class RuleDoesNotApply(CourtjourneyError, ValueError):
    """A rule asked of a case or outcome it is not for. The message (N_-marked) says why, for the worker;
    `values` fill its %(name)d figures once it is translated (`said`)."""

    def __init__(self, message: str, values: dict[str, int] | None = None) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values or {}

    def said(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.message) % self.values if self.values else gettext(self.message)


class Refused(CourtjourneyError):
    """An action that must not happen now; the message says why in plain words."""


class DataError(CourtjourneyError, ValueError):
    """Data we ship or load is wrong; the message names the file and the problem."""


class GlossaryDataError(DataError):
    """The glossary data is wrong: the message names the file, the term and the problem."""


class TemplateError(DataError, LookupError):
    """A Word template is missing, or asks for a variable its builder did not give."""


class BackupError(CourtjourneyError):
    """A backup or restore that was refused or failed; the message says why in plain words, and what was changed."""
