"""`courtjourney documents preview`: render every Word template against the demo data, in each language.

For whoever edits a template in templates/docx/: after a change, run the preview and open the files in
Word or LibreOffice before anyone relies on them. Runs on a throwaway database (migrated and loaded with
the demo), so it never touches real cases. Each part offers the previews of its own templates in its
previews.py; this gathers them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from courtjourney.debrief import previews as debrief
from courtjourney.documents.previews import Previewer
from courtjourney.glossary import previews as glossary
from courtjourney.hearings import previews as hearings
from courtjourney.settings import Settings
from courtjourney.threats import previews as threats
from courtjourney.threats.services import summary_for_witness_pack

#: template name -> how to render it; every template in templates/docx/ has one.
PREVIEWS: dict[str, Previewer] = {
    **hearings.PREVIEWS,
    # hearings may not import threats: the pack's incident summary is handed in here, as the app does
    "witness_pack": functools.partial(hearings.witness_pack, incidents=summary_for_witness_pack),
    **threats.PREVIEWS,
    **glossary.PREVIEWS,
    **debrief.PREVIEWS,
}


def preview_all(settings: Settings, out_dir: Path) -> list[Path]:
    """Render every template into out_dir as <template>.<language>.docx; return the files."""
    from courtjourney.accounts.models import User
    from courtjourney.db.engine import make_engine
    from courtjourney.demo import DEMO_LOGINS, load_demo
    from courtjourney.migrations import upgrade

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cj-preview-") as tmp:
        scratch = dataclasses.replace(
            settings, database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'preview.db'}"
        )
        upgrade(scratch)

        async def run() -> list[Path]:
            engine = make_engine(scratch)
            written = []
            try:
                maker = async_sessionmaker(engine, expire_on_commit=False)
                async with maker() as db, db.begin():
                    await load_demo(db, only_if_empty=False)
                    worker = await db.scalar(select(User).where(User.email == DEMO_LOGINS[0][0]))
                    assert worker is not None  # the demo just made it
                    for template, fn in sorted(PREVIEWS.items()):
                        for lang, body in await fn(db, worker):
                            path = out_dir / f"{template}.{lang}.docx"
                            path.write_bytes(body)
                            written.append(path)
            finally:
                await engine.dispose()
            return written

        return asyncio.run(run())
