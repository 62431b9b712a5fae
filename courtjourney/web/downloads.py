"""Headers for files we send: the name a download is saved under, in any language."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def _plain(text: str) -> str:
    ascii_only = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c if c.isalnum() or c in " -_" else "_" for c in ascii_only).strip(" _")


def ascii_fallback(filename: str) -> str:
    """The name with accents dropped and anything else outside plain ASCII made '_':
    "zdjęcie.png" -> "zdjecie.png"; a name with nothing Latin left ("صورة.png") -> "download.png"."""
    stem, dot, ext = filename.rpartition(".") if "." in filename else (filename, "", "")
    stem, ext = _plain(stem) or "download", _plain(ext)
    return f"{stem}.{ext}" if dot and ext else stem


def attachment(filename: str) -> str:
    """Content-Disposition for a download (RFC 6266): an ASCII `filename` for old clients and the real
    name as RFC 5987 `filename*=UTF-8''…`, which every current browser prefers. Headers are Latin-1, so
    a Polish, Welsh, Arabic or emoji name sent as plain `filename="…"` cannot be sent at all."""
    fallback = ascii_fallback(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
