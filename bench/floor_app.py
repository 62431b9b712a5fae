"""The floor for bench/feeds.py: a minimal Litestar app with one route returning a small text body.

Served exactly like the real app (uvicorn, same flags, one process), so its requests per second are
what this machine, this server and this client can do at best; feed figures are read against it.
"""

from __future__ import annotations

from litestar import Litestar, MediaType, get


@get("/floor", media_type=MediaType.TEXT)
async def floor() -> str:
    return "ok"


def create_app() -> Litestar:
    return Litestar(route_handlers=[floor])
