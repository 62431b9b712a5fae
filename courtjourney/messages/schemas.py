"""What the messages API takes and gives. Addresses are shown only as their last characters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out

Status = Literal["queued", "sending", "sent", "failed", "hold", "sent_by_hand", "cancelled"]


class MessageOut(Out):
    id: UUID
    member_id: UUID | None
    channel: Literal["sms", "email"]
    to_hint: str  # the address's last characters, never the whole
    kind: str
    status: Status
    status_words: str
    urgent: bool
    due_at: dt.datetime
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    attempts: int
    last_error: str | None
    hearing_id: UUID | None
    text: str  # exactly what arrives


class NewMessage(Body):
    """A message the worker writes to one family member, on a channel they agreed to and is safe."""

    member_id: UUID
    text: Annotated[str, msgspec.Meta(max_length=5000)]
    channel: Literal["sms", "email"] | None = None
