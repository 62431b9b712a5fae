"""Model base classes and column types shared by every part of the journey."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.base import UUIDv7AuditBase, orm_registry
from advanced_alchemy.types import DateTimeUTC, EncryptedString, EncryptedText

from courtjourney.settings import encryption_key

__all__ = ("Base", "DateTimeUTC", "Secret", "SecretText", "metadata", "utcnow")

Base = UUIDv7AuditBase
metadata = orm_registry.metadata


def Secret(length: int | None = None) -> EncryptedString:
    """A short string encrypted at rest (names, phone numbers, contact details)."""
    return EncryptedString(key=encryption_key, length=length)


def SecretText() -> EncryptedText:
    """Free text encrypted at rest (notes, reasons, narratives)."""
    return EncryptedText(key=encryption_key)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
