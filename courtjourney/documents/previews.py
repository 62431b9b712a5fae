"""What each part offers `courtjourney documents preview`: for each of its templates, how to render it with
the demo's sample data. courtjourney/previews.py gathers them; the parts' previews.py offer them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.models import User

#: (language, .docx bytes) for each language the template is drawn in.
Rendered = list[tuple[str, bytes]]

#: Renders one template from the demo data in `db`, as `worker` (the demo's IPSW) would produce it.
Previewer = Callable[[AsyncSession, User], Awaitable[Rendered]]
