"""create_app(): the Litestar application, assembled from each part's routes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from os import PathLike
from pathlib import Path
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from jinja2 import StrictUndefined
from litestar import Litestar, MediaType, get
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import async_sessionmaker

from courtjourney import __version__, i18n
from courtjourney.accounts.audit import provide_actor
from courtjourney.accounts.auth import CSRF_COOKIE, AuthenticationMiddleware
from courtjourney.accounts.routes import (
    AccountApi,
    AccountPages,
    AdminPages,
    LoginPages,
    SetupPages,
    TokenPages,
)
from courtjourney.caseload.api import MyDayApi
from courtjourney.caseload.pages import CaseloadPages
from courtjourney.caseload.timeline import TimelineApi, TimelinePage
from courtjourney.cases.access import case_access_guard, provide_case
from courtjourney.cases.api import CaseApi
from courtjourney.cases.pages import CasePages
from courtjourney.contacts.api import ContactLogApi
from courtjourney.contacts.pages import ContactLogPages, TeamContactStandardPages
from courtjourney.db.engine import (
    POLL_READER_KEY,
    READS_KEY,
    SESSIONS_KEY,
    PollReader,
    make_alchemy_config,
    make_engine,
    read_sessions,
)
from courtjourney.db.spool import SPOOL_KEY
from courtjourney.debrief.api import DebriefApi, LawApi
from courtjourney.debrief.pages import DebriefPages, LawPages
from courtjourney.documents.routes import DocumentApi, DocumentPages, shared_download
from courtjourney.glossary.api import GlossaryApi
from courtjourney.glossary.pages import GlossaryPages, LocalEntryPages
from courtjourney.glossary.terms import load_all as load_glossary
from courtjourney.hearings import outdated, polls
from courtjourney.hearings.api import HearingApi, HearingDocumentsApi, UpcomingApi
from courtjourney.hearings.pages import CaseloadHearingPages, HearingPages, calendar_feed
from courtjourney.messages import dispatch
from courtjourney.messages.api import MessageApi
from courtjourney.messages.pages import MessagePages, family_got_it, family_message
from courtjourney.messages.services import hearing_changed
from courtjourney.outcomes.api import OutcomesApi
from courtjourney.outcomes.pages import ItemWordingPages, OutcomePages
from courtjourney.referrals.api import ReferralApi
from courtjourney.referrals.pages import ReferralPages
from courtjourney.reports.api import ReportApi
from courtjourney.reports.pages import ReportPages
from courtjourney.search.api import SearchApi
from courtjourney.search.pages import SearchPages
from courtjourney.settings import Settings, get_settings, use_settings
from courtjourney.threats.api import IncidentApi
from courtjourney.threats.pages import IncidentPages
from courtjourney.threats.services import summary_for_witness_pack
from courtjourney.web.errors import document_api_errors, exception_handlers
from courtjourney.web.security import security_headers

PACKAGE = Path(__file__).parent
TEMPLATE_DIRS: list[Path | PathLike[Any] | str] = [
    PACKAGE / "web" / "templates",
    PACKAGE / "accounts" / "templates",
    PACKAGE / "cases" / "templates",
    PACKAGE / "hearings" / "templates",
    PACKAGE / "documents" / "templates",
    PACKAGE / "threats" / "templates",
    PACKAGE / "glossary" / "templates",
    PACKAGE / "debrief" / "templates",
    PACKAGE / "caseload" / "templates",
    PACKAGE / "contacts" / "templates",
    PACKAGE / "search" / "templates",
    PACKAGE / "messages" / "templates",
    PACKAGE / "referrals" / "templates",
    PACKAGE / "outcomes" / "templates",
    PACKAGE / "reports" / "templates",
]


def configure_jinja(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.undefined = StrictUndefined
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["long_date"] = i18n.long_date
    env.filters["short_date"] = i18n.short_date
    env.filters["long_datetime"] = i18n.long_datetime
    env.filters["translate_choice"] = lambda pair: (pair[0], i18n.gettext(pair[1]))
    env.globals["current_lang"] = i18n.get_locale


@get("/health", opt={"exclude_from_auth": True}, include_in_schema=False, media_type=MediaType.TEXT)
async def health() -> str:
    return "ok"


def settle_memory() -> None:
    """Once the service has started: collect, then freeze everything start-up made (modules, the ORM's
    mappers, routes, the glossary) into the collector's permanent generation. A page that builds
    thousands of rows triggers full collections, and each one walked every start-up object again.
    Only `courtjourney serve` does this (serving_app): a test process builds many apps, and what is
    frozen is never collected."""
    gc.collect()
    gc.freeze()


def start_dispatcher(app: Litestar) -> None:
    """Every serving worker sends what is due from the outbox (rows are claimed, so never twice)."""
    settings = app.state["settings"]
    if settings.dispatch_seconds > 0:
        app.state["dispatcher"] = asyncio.get_running_loop().create_task(
            dispatch.run_forever(app.state[SESSIONS_KEY], settings)
        )


async def _stop_task(app: Litestar, name: str) -> None:
    """Cancel a background task the app started under `name` in its state, and wait for it to end."""
    task = app.state.get(name)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def stop_dispatcher(app: Litestar) -> None:
    await _stop_task(app, "dispatcher")


async def start_poll_journal(app: Litestar) -> None:
    """Replay the calendar polls of any process that died (kill -9) before serving, then write this
    process's polls every second (hearings/polls.py)."""
    journal = app.state[polls.JOURNAL_KEY]
    await journal.recover()
    app.state["poll_writer"] = asyncio.get_running_loop().create_task(journal.run_forever())


async def stop_poll_journal(app: Litestar) -> None:
    """Stop the writer; flush_polls, next in the shutdown hooks, writes what it had not written yet."""
    await _stop_task(app, "poll_writer")


def serving_app() -> Litestar:
    """The app as `courtjourney serve` runs it: create_app, with its memory settled at start-up, the
    outbox's dispatcher running, and calendar polls written from their journal."""
    app = create_app()
    app.on_startup.append(settle_memory)
    app.on_startup.append(start_dispatcher)
    app.on_startup.append(start_poll_journal)
    app.on_shutdown.insert(0, stop_poll_journal)  # the writer stops before the last flush, and the engine
    app.on_shutdown.append(stop_dispatcher)
    return app


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    use_settings(settings)  # what every part reads through get_settings() from now on
    load_glossary()  # bad glossary data stops the service here, naming the file and line
    engine = make_engine(settings)
    alchemy = make_alchemy_config(settings, engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    # Calendar polls are journalled, not written per request (hearings/polls.py).
    # One per app, held only by the app's state: a registry kept by the module would keep every engine a
    # test process builds (and its pooled connections) alive for good.
    journal = polls.PollJournal(polls.spool_folder(settings.key_file), sessions)
    secure = settings.secure_cookies == "true"

    app = Litestar(
        route_handlers=[
            health,
            LoginPages,
            SetupPages,
            AccountPages,
            TokenPages,
            AdminPages,
            AccountApi,
            CaseloadPages,
            MyDayApi,
            TimelinePage,
            TimelineApi,
            CasePages,
            CaseApi,
            ContactLogPages,
            ContactLogApi,
            TeamContactStandardPages,
            ReferralPages,
            ReferralApi,
            OutcomePages,
            ItemWordingPages,
            OutcomesApi,
            SearchPages,
            SearchApi,
            HearingPages,
            CaseloadHearingPages,
            HearingApi,
            HearingDocumentsApi,
            UpcomingApi,
            DebriefPages,
            DebriefApi,
            LawPages,
            LawApi,
            calendar_feed,
            DocumentPages,
            DocumentApi,
            shared_download,
            IncidentPages,
            IncidentApi,
            GlossaryPages,
            LocalEntryPages,
            GlossaryApi,
            MessagePages,
            MessageApi,
            family_message,
            family_got_it,
            ReportPages,
            ReportApi,
            create_static_files_router(
                path="/static",
                directories=[PACKAGE / "web" / "static"],
                opt={"exclude_from_auth": True},
                include_in_schema=False,
            ),
        ],
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        template_config=TemplateConfig(
            directory=TEMPLATE_DIRS, engine=JinjaTemplateEngine, engine_callback=configure_jinja
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            header_name="x-csrf-token",
            cookie_secure=secure,
            cookie_httponly=True,
            exclude=["^/api/", "^/calendar/"],  # anchored: /account/calendar/revoke is a form
        ),
        allowed_hosts=AllowedHostsConfig(allowed_hosts=settings.allowed_hosts),
        before_send=[security_headers],
        middleware=[
            DefineMiddleware(
                AuthenticationMiddleware,
                exclude=["^/static/", "^/schema", "^/health$", "^/favicon.ico$"],
                exclude_from_auth_key="exclude_from_auth",
            )
        ],
        guards=[case_access_guard],
        exception_handlers=exception_handlers,
        openapi_config=OpenAPIConfig(
            title="courtjourney API",
            version=__version__,
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http", scheme="bearer", description="A personal API token: cjapi_..."
                    )
                }
            ),
            security=[{"BearerToken": []}],
        ),
        request_max_body_size=settings.max_body_bytes,
        # Guards and middleware open their own short transactions from this maker.
        state=State(
            {
                "settings": settings,
                SESSIONS_KEY: sessions,
                READS_KEY: read_sessions(engine),
                POLL_READER_KEY: PollReader(engine),
                polls.JOURNAL_KEY: journal,
                SPOOL_KEY: [journal.flush],
            }
        ),
        debug=settings.debug,
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False),
            # Every handler may take `actor: Actor` (who acts, for services and the audit trail) and, under
            # /cases/{case_id}, `case: Case` (loaded once, after the guard has cleared the request).
            "actor": Provide(provide_actor, sync_to_thread=False),
            "case": Provide(provide_case),
            # The Witness Service pack's intimidation summary: hearings is handed it, never imports threats.
            "incidents_for_pack": Provide(lambda: summary_for_witness_pack, sync_to_thread=False),
            # Which briefings and packs went out of date: the library is handed hearings' check.
            "documents_out_of_date": Provide(lambda: outdated.reasons_for, sync_to_thread=False),
            # What a hearing change sets going: the family's notices, written in the change's transaction.
            "after_hearing_change": Provide(lambda: hearing_changed, sync_to_thread=False),
        },
    )
    document_api_errors(app)
    # Whatever ends the app cleanly (a test client, `courtjourney serve` on SIGTERM) writes its polls
    # first: before the plugins' own shutdown closes the database engine.
    app.on_shutdown.insert(0, flush_polls)
    app.on_shutdown.append(lambda app: app.state[POLL_READER_KEY].dispose())
    return app


async def flush_polls(app: Litestar) -> None:
    await app.state[polls.JOURNAL_KEY].flush()
