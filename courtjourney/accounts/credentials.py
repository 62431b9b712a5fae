"""Passwords (argon2id) and random tokens (shown once, stored as SHA-256).

Tokens are 32 random bytes, so a fast hash is enough to store them: nobody can guess one
to check against the hash. Passwords are chosen by people, so they get argon2id.
"""

from __future__ import annotations

import hashlib
import secrets

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# A real hash to verify against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

API_TOKEN_PREFIX = "cjapi_"
SESSION_PREFIX = "cjs_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hashed(password: str) -> str:
    """hash_password in a worker thread: argon2 takes tens of milliseconds and would hold up every request."""
    return await anyio.to_thread.run_sync(hash_password, password)


async def password_matches(password_hash: str | None, password: str) -> bool:
    """verify_password in a worker thread, for the same reason. None checks against a dummy hash (same work)."""
    return await anyio.to_thread.run_sync(verify_password, password_hash, password)


def new_token(prefix: str) -> str:
    """A fresh secret with a recognisable prefix (so secret scanners can spot a leaked one)."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_password() -> str:
    """A one-time password that is easy to read aloud: four groups of letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
