"""Model base classes and column types shared by every part of the journey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase, orm_registry
from advanced_alchemy.types import DateTimeUTC, EncryptedString, EncryptedText
from advanced_alchemy.types.encrypted_string import FernetBackend

from courtjourney.settings import encryption_key

__all__ = ("Base", "DateTimeUTC", "Secret", "SecretText", "metadata", "utcnow")

Base = UUIDv7AuditBase
metadata = orm_registry.metadata


class KeptFernetBackend(FernetBackend):
    """Advanced Alchemy's Fernet backend, keeping its cipher while the key stays the same.

    The key is a callable (settings.encryption_key, so tests and key changes take effect), and for a
    callable key Advanced Alchemy derives the key and builds a new Fernet for every value it reads or
    writes: six times in ten of a Witness Service pack's decrypting was that. The cipher is built again
    whenever the key differs from the one it was built from."""

    _mounted_for: bytes | None = None

    def mount_vault(self, key: Any) -> None:
        raw = key.encode() if isinstance(key, str) else key
        if raw != self._mounted_for:
            super().mount_vault(raw)
            self._mounted_for = raw


def Secret(length: int | None = None) -> EncryptedString:
    """A short string encrypted at rest (names, phone numbers, contact details)."""
    return EncryptedString(key=encryption_key, backend=KeptFernetBackend, length=length)


def SecretText() -> EncryptedText:
    """Free text encrypted at rest (notes, reasons, narratives)."""
    return EncryptedText(key=encryption_key, backend=KeptFernetBackend)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
