"""Logging that never writes a secret: calendar tokens in request paths, and what was searched for, are blanked out.

Feed and download addresses carry their token in the path (/calendar/cjcal_....ics, /shared/cjdoc_....docx,
/account/setup/cjset_..., a message's /m/...),
and the web server's access log writes every path. This filter replaces any token we issue with its prefix
and "[hidden]", on uvicorn's handlers and on the application's own logger ("courtjourney"). A search
(/search?q=..., /api/search?q=...) carries a name in its query string: the whole query string is hidden.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

TOKEN = re.compile(r"(cjcal_|cjdoc_|cjapi_|cjs_|cjset_)[A-Za-z0-9_\-]{8,}")
#: A message's "Got it" link (/m/<token>) is short for a text message, so it has no prefix: found by its path.
ACK = re.compile(r"(/m/)[A-Za-z0-9_\-]{8,}")
SEARCH = re.compile(r"(/(?:api/)?search/?\?)[^\s\"']*")


def redact(text: str) -> str:
    hidden = TOKEN.sub(lambda m: m.group(1) + "[hidden]", text)
    return SEARCH.sub(r"\1[hidden]", ACK.sub(r"\1[hidden]", hidden))


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging set-up, with the token filter on both of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": "courtjourney.web.logs.RedactTokens"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    # The application's own messages (errors.py logs the route template, never the path) go the same way.
    config["loggers"]["courtjourney"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
