"""Evidence files: their type read from their first bytes, and their encryption. Pure: no database.

The type is decided from the content alone (the "magic numbers" each format begins with), never the
file name or the type the browser claims, and only the formats families actually send are let in:
screenshots and photos (PNG, JPEG, GIF, WebP, HEIC/HEIF from iPhones) and PDFs. A short table of
signatures is easier to audit than a general-purpose sniffing library, and we need an allowlist anyway.

Files are encrypted with AES-256-GCM under a key derived from the server secret (never stored). The
file's id and SHA-256 are bound in as associated data, so a ciphertext moved to another row, or a
recorded hash changed in the database, fails to decrypt instead of serving the wrong file.
"""

from __future__ import annotations

import hashlib
import os
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_PURPOSE = "evidence-files/v1"
NONCE_BYTES = 12

# media type -> file extension used when the file is downloaded again.
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "application/pdf": "pdf",
}
HEIF_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
}


def sniff(content: bytes) -> str | None:
    """The media type the content really is, or None if it is not a type we keep."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        return HEIF_BRANDS[content[8:12]]
    # PDF readers accept the header anywhere in the first KiB; we ask for it at the start, as it should be.
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _aad(evidence_id: UUID, digest: str) -> bytes:
    return evidence_id.bytes + digest.encode("ascii")


def encrypt(key: bytes, evidence_id: UUID, digest: str, content: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, content, _aad(evidence_id, digest))


def decrypt(key: bytes, evidence_id: UUID, digest: str, stored: bytes) -> bytes:
    """The file's bytes; raises cryptography's InvalidTag if anything about it was altered."""
    return AESGCM(key).decrypt(stored[:NONCE_BYTES], stored[NONCE_BYTES:], _aad(evidence_id, digest))


def safe_filename(name: str, media_type: str) -> str:
    """A download name: the person's own name for the file, tamed, with the extension of its real type."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    # Letters of any script and emoji stay (web.downloads sends them as RFC 5987 filename*); controls,
    # direction overrides (U+202E, which can make "gpj.exe" look like "exe.jpg") and punctuation do not.
    stem = "".join(
        c if c.isalnum() or c in " -_" or (ord(c) > 127 and c.isprintable()) else "_" for c in stem
    )
    stem = stem.strip()[:80] or "evidence"
    return f"{stem}.{EXTENSIONS[media_type]}"
