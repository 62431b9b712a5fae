"""What a request's path says about how to answer it."""

from __future__ import annotations


def is_api(path: str) -> bool:
    """The JSON API lives under /api/: errors there are answered as JSON, everywhere else as pages."""
    return path == "/api" or path.startswith("/api/")
