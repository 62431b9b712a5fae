"""The shapes every part's JSON API is built from: `Body` for what comes in, `Out` for what goes out."""

from __future__ import annotations

from typing import Annotated, TypeVar

import msgspec

Text = Annotated[str, msgspec.Meta(max_length=5000)]

O = TypeVar("O", bound="Out")  # noqa: E741 - the output type, as in msgspec's own examples


class Body(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A request body: checked for shape by msgspec, for meaning by the part's forms."""

    def to_dict(self) -> dict[str, object]:
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}


class Out(msgspec.Struct):
    """An answer the API gives."""


def dump(out_type: type[O], row: object, **extra: object) -> O:
    """Build an output struct from a model row, taking each field from `extra` first."""
    values = {f: extra[f] if f in extra else getattr(row, f) for f in out_type.__struct_fields__}
    return out_type(**values)
