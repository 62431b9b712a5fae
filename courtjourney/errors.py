"""The errors our own code raises. HTTP mapping lives in web/errors.py.

InputError      -- what someone sent is wrong; carries a plain-English message per field (400)
BackupError     -- `courtjourney backup` or `restore` refused or failed; the message says why and what changed
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input: `errors` maps each field name to a plain-English message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why in plain words, and what was changed."""
