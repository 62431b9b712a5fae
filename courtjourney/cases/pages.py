"""The case's own pages: opening a case, and the forms that change it (stage, tasks, family, contacts,
consent, risk, colleagues), and the audit trail. The caseload and the case page are in caseload/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit, trail
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import AuditEvent, Role, User
from courtjourney.accounts.services import names_for
from courtjourney.cases import forms, services
from courtjourney.cases.journey import MOVES, STAGE_LABELS, Stage
from courtjourney.cases.models import Case, Consent, Contact, FamilyMember, RiskAssessment, Task
from courtjourney.cases.panels import CHOICES
from courtjourney.cases.words import task_title
from courtjourney.db import spool
from courtjourney.db.rows import one_of_case
from courtjourney.errors import NotFound
from courtjourney.i18n import LONDON, N_, short_date
from courtjourney.i18n import gettext as _
from courtjourney.web.downloads import attachment
from courtjourney.web.forms import Field
from courtjourney.web.pages import Form, FormPage, Options, case_url, saved

#: The most events one CSV export holds (a trail longer than this is exported a date range at a time).
TRAIL_EXPORT_MAX = 100_000

NEW_CASE = FormPage(
    N_("Open a new case"),
    forms.NEW_CASE,
    "/cases/new",
    intro=N_("Start with the child's first name. You can add family members and contacts next."),
    button=N_("Open the case"),
)
MOVE_STAGE = FormPage(
    N_("Move the case to another stage"), forms.MOVE_STAGE, "/stage", button=N_("Move the case")
)
NEW_TASK = FormPage(N_("Add a task"), forms.NEW_TASK, "/tasks/new")
CHANGE_TASK = FormPage(N_("Change a task"), forms.UPDATE_TASK, "/tasks/{task_id}")
FAMILY = FormPage(
    N_("Add a family member"), forms.FAMILY, "/family/new", defaults={"preferred_language": "en"}
)
CONTACT = FormPage(N_("Add a key contact"), forms.CONTACT, "/contacts/new")
CONSENT = FormPage(N_("Record consent to share"), forms.CONSENT, "/consent/new")
RISK = FormPage(N_("Record a risk assessment"), forms.RISK, "/risk/new")
WITHDRAW = FormPage(
    N_("Record that consent was withdrawn"),
    forms.WITHDRAW_CONSENT,
    "/consent/{consent_id}/withdraw",
    button=N_("Record that consent was withdrawn"),
    template="confirm_page.html",
)
REMOVE_TASK = FormPage(
    N_("Remove this task?"),
    (),
    "/tasks/{task_id}/remove",
    button=N_("Remove the task"),
    template="confirm_page.html",
)
COLLEAGUE = FormPage(N_("Add a colleague to this case"), forms.ASSIGN_WORKER, "/workers/new")
TAKE_OFF = FormPage(
    N_("Take this colleague off the case?"),
    (),
    "/workers/{user_id}/remove",
    button=N_("Take them off the case"),
    template="confirm_page.html",
)


async def _taking_off(db: AsyncSession, case: Case, link: Any) -> dict[str, Any]:
    """What the page says: who, what they lose, and what happens to their open tasks on the case."""
    name = (await names_for(db, {link.user_id})).get(link.user_id, "")
    others = [w for w in await services.workers_for(db, case.id) if w.id != link.user_id]
    if not others:
        words = [_(services.LAST_ON_CASE)]
    else:
        words = [
            _("%(name)s will no longer see this case, its family or its tasks.") % {"name": name},
            _("Their open tasks on it will have nobody assigned, for someone else to take."),
            _("If %(name)s was the family's main contact, tell the family who to contact now.")
            % {"name": name},
        ]
    return {"words": words, "cancel": case_url(case, "#workers"), "refused": not others, "lead": name}


def _removing(case: Case, task: Task) -> dict[str, Any]:
    """What the removal page says: the task, and what removing it does."""
    if task.done_at is not None:
        words = [_(services.TASK_WAS_DONE)]
    else:
        words = [
            _("“%(task)s” will no longer be on this case's tasks, or on anyone's day.")
            % {"task": task_title(task)},
            _("Remove a task only when it does not apply to this family. This cannot be undone."),
        ]
    return {"words": words, "cancel": case_url(case, "#tasks"), "refused": task.done_at is not None}


def _withdrawing(consent: Consent) -> dict[str, Any]:
    """What the withdrawal page says about this consent: what it covered and what will follow, in plain
    words (a separate page, so nobody records a withdrawal with one click, and the date can be earlier)."""
    kind = _(CHOICES["consent_kind"].get(consent.organisation_kind, consent.organisation_kind))
    who = f"{kind} ({consent.organisation})" if consent.organisation else kind
    words = [
        _("From the date you give, nothing from this case may be shared with %(who)s for: %(purpose)s.")
        % {"who": who, "purpose": consent.purpose},
    ]
    if consent.organisation_kind == forms.WITNESS_SERVICE:
        words.append(_("Witness Service packs cannot be made for this case unless there is other consent."))
    words += [
        _("Links to documents you have already sent keep working until they end or you turn them off."),
        _("This cannot be undone. If %(given_by)s agrees again later, record new consent.")
        % {"given_by": consent.given_by},
    ]
    if consent.withdrawn_on is not None:
        words = [
            _("This consent was already withdrawn on %(day)s.") % {"day": short_date(consent.withdrawn_on)}
        ]
    extra = {
        "words": words,
        "refused": consent.withdrawn_on is not None,
        "cancel": f"/cases/{consent.case_id}#consent",
    }
    return {"consent_id": consent.id, "extra": extra}


# Corrections: the same fields as the form that added the record, filled with what it says now, with its
# earlier versions below (services.correct keeps them).
CORRECTING, SAVE_CORRECTION = "correct_page.html", N_("Save the correction")
CORRECT_CHILD = FormPage(
    N_("Correct the child's details"), forms.NEW_CASE, "/details", template=CORRECTING, button=SAVE_CORRECTION
)
CORRECT_FAMILY = FormPage(
    N_("Correct a family member's details"),
    forms.FAMILY,
    "/family/{family_member_id}",
    template=CORRECTING,
    button=SAVE_CORRECTION,
)
CORRECT_CONTACT = FormPage(
    N_("Correct a key contact"),
    forms.CONTACT,
    "/contacts/{contact_id}",
    template=CORRECTING,
    button=SAVE_CORRECTION,
)
CORRECT_RISK = FormPage(
    N_("Correct a risk assessment"),
    forms.RISK,
    "/risk/{risk_assessment_id}",
    template=CORRECTING,
    button=SAVE_CORRECTION,
)


def _form_values(fields: tuple[Field, ...], record: Any) -> dict[str, Any]:
    """What a record says now, as its form shows it (dates as ISO text)."""
    values = {}
    for f in fields:
        value = getattr(record, f.name)
        values[f.name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _was(f: Field | None, value: Any) -> str:
    """An earlier value in words: a choice's label, Yes or No, a date ("1 Apr 2026"), or "(empty)"."""
    if value is None or value == "":
        return _("(empty)")
    if f is not None and f.kind == "bool":
        return _("Yes") if value else _("No")
    if f is not None and f.choices:
        label = dict(f.choices).get(value)
        return _(label) if label else str(value)
    if f is not None and f.kind == "date":
        return short_date(dt.date.fromisoformat(value))
    return str(value)


async def _history(
    db: AsyncSession, case: Case, record_id: UUID, fields: tuple[Field, ...]
) -> dict[str, Any]:
    """The record's earlier versions, newest first, as the correction page lists them."""
    found = await services.corrections_for(db, case.id, record_id)
    names = await names_for(db, {c.by_id for c in found if c.by_id})
    by_name = {f.name: f for f in fields}
    return {
        "history": [
            {
                "at": c.at,
                "by": names.get(c.by_id, _("A former user")) if c.by_id else _("The system"),
                "changes": [
                    (_(by_name[k].label) if k in by_name else k, _was(by_name.get(k), v))
                    for k, v in sorted(c.earlier.items())
                ],
            }
            for c in found
        ]
    }


async def _trail_page(db_session: AsyncSession, request: Request[User, Any, Any], case: Case) -> Template:
    """The case's trail in plain words, newest first, narrowed by person, kind and days; paged.
    Bad filters are named in plain words (400) and left out, so the page still shows."""
    await spool.flush_all(request.app.state, db_session)  # calendar polls answered so far are in it
    people = await audit.people_in_trail(db_session, case.id)
    wanted, errors = trail.read_filter(request.query_params, people)
    before, bad_page = trail.read_before(request.query_params)
    if bad_page:
        errors["before"] = bad_page
    events, older = await audit.trail_for_case(db_session, case.id, before=before, where=wanted.conditions())
    names = await names_for(db_session, {e.actor_id for e in events if e.actor_id} | set(people))
    base = f"{case_url(case)}/audit"
    return Template(
        template_name="audit.html",
        context={
            "user": request.user,
            "title": _("Who has read or changed %(reference)s") % {"reference": case.reference},
            "case": case,
            "rows": [
                {"event": e, "words": trail.phrase(e, names), "link": trail.target_link(e)} for e in events
            ],
            "older": f"{base}{wanted.query(before=older)}" if older else None,
            "newest": f"{base}{wanted.query()}" if before else None,
            "export": f"{base}.csv{wanted.query()}",
            "base": base,
            "people": sorted(
                ((str(p), names.get(p, _("A former user"))) for p in people), key=lambda x: x[1]
            ),
            "kinds": [(k, _(label)) for k, label in trail.KINDS.items()],
            "chosen": {
                "who": str(wanted.who) if wanted.who else "",
                "kind": wanted.kind or "",
                "from": request.query_params.get("from", "")
                if "from" in errors
                else (trail.uk_date(wanted.start) if wanted.start else ""),
                "to": request.query_params.get("to", "")
                if "to" in errors
                else (trail.uk_date(wanted.end) if wanted.end else ""),
            },
            "filtered": wanted.active,
            "errors": errors,
            "breadcrumbs": [("/", _("My caseload")), (case_url(case), case.reference)],
        },
        status_code=400 if errors else 200,
    )


def _stage_fields(here: Stage) -> tuple[Field, ...]:
    """The move form as shown: only the stages the journey allows from here, saying which need a reason."""
    allowed = [
        (
            s.value,
            _(STAGE_LABELS[s]) + ("" if not MOVES[(here, s)].needs_reason else " " + _("(needs a reason)")),
        )
        for s in Stage
        if (here, s) in MOVES
    ]
    return (Field("to_stage", forms.MOVE_STAGE[0].label, kind="choice", choices=allowed), forms.MOVE_STAGE[1])


def _stage_intro(here: Stage) -> str:
    return _("The case is now at: %(stage)s.") % {"stage": _(STAGE_LABELS[here])}


async def _worker_options(db: AsyncSession, case: Case) -> Options:
    return {"assigned_to_id": [(str(w.id), w.full_name) for w in await services.workers_for(db, case.id)]}


async def _colleague_options(db: AsyncSession, case: Case) -> Options:
    on_case = {w.id for w in await services.workers_for(db, case.id)}
    return {
        "worker_id": [
            (str(u.id), u.full_name)
            for u in await services.team_colleagues(db, case.team_id)
            if u.id not in on_case
        ]
    }


@dataclass(frozen=True)
class Correcting:
    """One kind of record the case's pages correct: its form, how it is found on the case, and the part of
    the case page a save returns to. The address names it by `id_name` (none: the case itself)."""

    page: FormPage
    model: type[Any]
    noun: str
    anchor: str
    id_name: str = ""

    async def find(self, db: AsyncSession, case: Case, record_id: UUID) -> Any:
        return await one_of_case(db, self.model, case.id, record_id, self.noun)

    def _ids(self, record: Any) -> dict[str, Any]:
        return {self.id_name: record.id} if self.id_name else {}

    async def show(
        self, db: AsyncSession, request: Request[User, Any, Any], case: Case, record: Any
    ) -> Template:
        """The form filled with what the record says now, its earlier versions below."""
        return self.page.show(
            request,
            case,
            values=_form_values(tuple(self.page.fields), record),
            extra=await _history(db, case, record.id, tuple(self.page.fields)),
            **self._ids(record),
        )

    async def submit(
        self,
        db: AsyncSession,
        request: Request[User, Any, Any],
        case: Case,
        record: Any,
        data: Mapping[str, Any],
        save: Callable[[dict[str, Any]], Awaitable[Any]],
    ) -> Template | Redirect:
        return await self.page.submit(
            request,
            case,
            data,
            save=save,
            done=saved(case_url(case), self.anchor),
            extra=lambda: _history(db, case, record.id, tuple(self.page.fields)),
            **self._ids(record),
        )


CHILD = Correcting(CORRECT_CHILD, Case, "case", "details")
MEMBER = Correcting(CORRECT_FAMILY, FamilyMember, "family member", "family", "family_member_id")
KEY_CONTACT = Correcting(CORRECT_CONTACT, Contact, "key contact", "contacts", "contact_id")
RISK_ROW = Correcting(CORRECT_RISK, RiskAssessment, "risk assessment", "risk", "risk_assessment_id")


class CasePages(Controller):
    include_in_schema = False

    @get("/cases/new")
    async def new_case_form(self, request: Request[User, Any, Any]) -> Template:
        return NEW_CASE.show(request, None)

    @post("/cases/new")
    async def new_case(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, data: Form
    ) -> Template | Redirect:
        return await NEW_CASE.submit(
            request,
            None,
            data,
            intro="",  # the form shown again with its errors has never repeated the introduction
            save=lambda values: services.open_case(db_session, actor, values),
            done=case_url,
        )

    # --- moving a stage ------------------------------------------------------------------
    # Cleaned against every stage, so a move the journey refuses is answered by check_move's reason;
    # shown (through `extra`) with only the moves allowed from here.

    @get("/cases/{case_id:uuid}/stage")
    async def stage_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        here = await services.current_stage(db_session, case.id)
        return MOVE_STAGE.show(
            request, case, values={}, intro=_stage_intro(here), extra={"fields": _stage_fields(here)}
        )

    @post("/cases/{case_id:uuid}/stage")
    async def move_stage(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        here = await services.current_stage(db_session, case.id)
        return await MOVE_STAGE.submit(
            request,
            case,
            data,
            intro=_stage_intro(here),
            extra={"fields": _stage_fields(here)},
            save=lambda values: services.move_stage(
                db_session, actor, case, values["to_stage"], values.get("reason")
            ),
            done=case_url(case, "?done=stage#journey"),
        )

    # --- tasks -----------------------------------------------------------------------------

    @get("/cases/{case_id:uuid}/tasks/new")
    async def task_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case
    ) -> Template:
        return NEW_TASK.show(
            request,
            case,
            values={"assigned_to_id": str(actor.id)},
            options=await _worker_options(db_session, case),
        )

    @post("/cases/{case_id:uuid}/tasks/new")
    async def add_task(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await NEW_TASK.submit(
            request,
            case,
            data,
            options=await _worker_options(db_session, case),
            save=lambda values: services.add_task(db_session, actor, case, values),
            done=case_url(case, "?done=task#tasks"),
        )

    @get("/cases/{case_id:uuid}/tasks/{task_id:uuid}")
    async def task_edit_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, task_id: UUID
    ) -> Template:
        task = await one_of_case(db_session, Task, case.id, task_id, "task")
        values = {
            "title": task_title(task),
            "due_on": task.due_on.isoformat() if task.due_on else "",
            "assigned_to_id": str(task.assigned_to_id or ""),
            "done": task.done_at is not None,
        }
        return CHANGE_TASK.show(
            request, case, values=values, options=await _worker_options(db_session, case), task_id=task.id
        )

    @post("/cases/{case_id:uuid}/tasks/{task_id:uuid}")
    async def task_edit(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        task_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        task = await one_of_case(db_session, Task, case.id, task_id, "task")

        async def save(values: dict[str, Any]) -> Task:
            if values.get("title") == task_title(task):
                values.pop("title")  # unchanged: keep it a playbook task, shown in each reader's language
            return await services.update_task(db_session, actor, case, task, values)

        return await CHANGE_TASK.submit(
            request,
            case,
            data,
            task_id=task.id,
            options=await _worker_options(db_session, case),
            prepare=lambda posted: {**posted, "done": posted.get("done", "")},  # an unticked box is not sent
            save=save,
            done=case_url(case, "?done=task#tasks"),
        )

    @get("/cases/{case_id:uuid}/tasks/{task_id:uuid}/remove")
    async def task_remove_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, task_id: UUID
    ) -> Template:
        """Before a task is removed: which task, and that removing it cannot be undone."""
        task = await one_of_case(db_session, Task, case.id, task_id, "task")
        return REMOVE_TASK.show(request, case, values={}, task_id=task.id, extra=_removing(case, task))

    @post("/cases/{case_id:uuid}/tasks/{task_id:uuid}/remove")
    async def task_remove(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        task_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        task = await one_of_case(db_session, Task, case.id, task_id, "task")
        return await REMOVE_TASK.submit(
            request,
            case,
            data,
            task_id=task.id,
            save=lambda _values: services.remove_task(db_session, actor, case, task),
            done=case_url(case, "?done=task#tasks"),
            extra=_removing(case, task),
        )

    @post("/cases/{case_id:uuid}/tasks/{task_id:uuid}/toggle")
    async def task_toggle(
        self, db_session: AsyncSession, actor: Actor, case: Case, task_id: UUID
    ) -> Redirect:
        task = await one_of_case(db_session, Task, case.id, task_id, "task")
        await services.update_task(db_session, actor, case, task, {"done": task.done_at is None})
        return Redirect(case_url(case, "?done=task#tasks"), status_code=303)

    # --- family, contacts, consent, risk, workers --------------------------------------------

    @get("/cases/{case_id:uuid}/family/new")
    async def family_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return FAMILY.show(request, case)

    @post("/cases/{case_id:uuid}/family/new")
    async def family_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await FAMILY.submit(
            request,
            case,
            data,
            save=lambda values: services.add_family_member(db_session, actor, case, values),
            done=saved(case_url(case), "family"),
        )

    @get("/cases/{case_id:uuid}/contacts/new")
    async def contact_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return CONTACT.show(request, case)

    @post("/cases/{case_id:uuid}/contacts/new")
    async def contact_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await CONTACT.submit(
            request,
            case,
            data,
            save=lambda values: services.add_contact(db_session, actor, case, values),
            done=saved(case_url(case), "contacts"),
        )

    @get("/cases/{case_id:uuid}/consent/new")
    async def consent_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return CONSENT.show(request, case, values={"given_on": dt.date.today().isoformat()})

    @post("/cases/{case_id:uuid}/consent/new")
    async def consent_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await CONSENT.submit(
            request,
            case,
            data,
            save=lambda values: services.add_consent(db_session, actor, case, values),
            done=saved(case_url(case), "consent"),
        )

    @get("/cases/{case_id:uuid}/consent/{consent_id:uuid}/withdraw")
    async def consent_withdraw_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, consent_id: UUID
    ) -> Template:
        """Before consent is recorded as withdrawn: what it covered, what will follow, and the date."""
        consent = await one_of_case(db_session, Consent, case.id, consent_id, "consent record")
        return WITHDRAW.show(
            request, case, values={"withdrawn_on": dt.date.today().isoformat()}, **_withdrawing(consent)
        )

    @post("/cases/{case_id:uuid}/consent/{consent_id:uuid}/withdraw")
    async def consent_withdraw(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        consent_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        consent = await one_of_case(db_session, Consent, case.id, consent_id, "consent record")
        return await WITHDRAW.submit(
            request,
            case,
            data,
            save=lambda values: services.withdraw_consent(db_session, actor, case, consent, values),
            done=saved(case_url(case), "consent"),
            **_withdrawing(consent),
        )

    @get("/cases/{case_id:uuid}/risk/new")
    async def risk_form(self, request: Request[User, Any, Any], case: Case) -> Template:
        return RISK.show(request, case, values={"assessed_on": dt.date.today().isoformat()})

    @post("/cases/{case_id:uuid}/risk/new")
    async def risk_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await RISK.submit(
            request,
            case,
            data,
            save=lambda values: services.add_risk_assessment(db_session, actor, case, values),
            done=saved(case_url(case), "risk"),
        )

    @get("/cases/{case_id:uuid}/workers/new")
    async def worker_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        return COLLEAGUE.show(request, case, options=await _colleague_options(db_session, case))

    @post("/cases/{case_id:uuid}/workers/new")
    async def worker_add(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await COLLEAGUE.submit(
            request,
            case,
            data,
            options=await _colleague_options(db_session, case),
            save=lambda values: services.assign_worker(db_session, actor, case, values),
            done=saved(case_url(case), "workers"),
        )

    @get("/cases/{case_id:uuid}/workers/{user_id:uuid}/remove")
    async def worker_remove_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, user_id: UUID
    ) -> Template:
        """Before a colleague is taken off the case: who, and what follows for them and the family."""
        link = await services.on_case(db_session, case, user_id)
        return TAKE_OFF.show(
            request, case, values={}, user_id=user_id, extra=await _taking_off(db_session, case, link)
        )

    @post("/cases/{case_id:uuid}/workers/{user_id:uuid}/remove")
    async def worker_remove(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        user_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        link = await services.on_case(db_session, case, user_id)
        extra = await _taking_off(db_session, case, link)
        # Taking yourself off: the case is no longer yours to see (unless you manage its team).
        gone = user_id == actor.id and request.user.role != Role.MANAGER.value
        return await TAKE_OFF.submit(
            request,
            case,
            data,
            user_id=user_id,
            save=lambda _values: services.remove_worker(db_session, actor, case, link),
            done="/?done=left" if gone else saved(case_url(case), "workers"),
            extra=extra,
        )

    # --- corrections: the child's details, family members, key contacts, risk assessments -------

    @get("/cases/{case_id:uuid}/details")
    async def child_correct_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        return await CHILD.show(db_session, request, case, case)

    @post("/cases/{case_id:uuid}/details")
    async def child_correct(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case, data: Form
    ) -> Template | Redirect:
        return await CHILD.submit(
            db_session,
            request,
            case,
            case,
            data,
            lambda v: services.correct_child(db_session, actor, case, v),
        )

    @get("/cases/{case_id:uuid}/family/{family_member_id:uuid}")
    async def family_correct_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, family_member_id: UUID
    ) -> Template:
        return await MEMBER.show(
            db_session, request, case, await MEMBER.find(db_session, case, family_member_id)
        )

    @post("/cases/{case_id:uuid}/family/{family_member_id:uuid}")
    async def family_correct(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        family_member_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        member = await MEMBER.find(db_session, case, family_member_id)
        return await MEMBER.submit(
            db_session,
            request,
            case,
            member,
            {**data, "is_witness": data.get("is_witness", "")},  # an unticked box is not sent
            lambda v: services.correct(db_session, actor, case, member, v),
        )

    @get("/cases/{case_id:uuid}/contacts/{contact_id:uuid}")
    async def contact_correct_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, contact_id: UUID
    ) -> Template:
        return await KEY_CONTACT.show(
            db_session, request, case, await KEY_CONTACT.find(db_session, case, contact_id)
        )

    @post("/cases/{case_id:uuid}/contacts/{contact_id:uuid}")
    async def contact_correct(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        contact_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        contact = await KEY_CONTACT.find(db_session, case, contact_id)
        return await KEY_CONTACT.submit(
            db_session,
            request,
            case,
            contact,
            data,
            lambda v: services.correct_contact(db_session, actor, case, contact, v),
        )

    @get("/cases/{case_id:uuid}/risk/{risk_assessment_id:uuid}")
    async def risk_correct_form(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case, risk_assessment_id: UUID
    ) -> Template:
        return await RISK_ROW.show(
            db_session, request, case, await RISK_ROW.find(db_session, case, risk_assessment_id)
        )

    @post("/cases/{case_id:uuid}/risk/{risk_assessment_id:uuid}")
    async def risk_correct(
        self,
        db_session: AsyncSession,
        request: Request[User, Any, Any],
        actor: Actor,
        case: Case,
        risk_assessment_id: UUID,
        data: Form,
    ) -> Template | Redirect:
        row = await RISK_ROW.find(db_session, case, risk_assessment_id)
        return await RISK_ROW.submit(
            db_session,
            request,
            case,
            row,
            data,
            lambda v: services.correct(db_session, actor, case, row, v),
        )

    @get("/cases/{case_id:uuid}/audit")
    async def audit_page(
        self, db_session: AsyncSession, request: Request[User, Any, Any], case: Case
    ) -> Template:
        if not request.user.is_manager:
            raise NotFound("Nothing was found at this address.")
        return await _trail_page(db_session, request, case)

    @get("/cases/{case_id:uuid}/audit.csv")
    async def audit_csv(
        self, db_session: AsyncSession, request: Request[User, Any, Any], actor: Actor, case: Case
    ) -> Response[bytes] | Template:
        """The filtered trail as CSV for the data protection officer; the export is itself in the trail."""
        if not request.user.is_manager:
            raise NotFound("Nothing was found at this address.")
        await spool.flush_all(request.app.state, db_session)
        people = await audit.people_in_trail(db_session, case.id)
        wanted, errors = trail.read_filter(request.query_params, people)
        if errors:
            return await _trail_page(db_session, request, case)  # the page, with the errors in words
        events: list[AuditEvent] = []
        before: UUID | None = None
        while True:  # page by page (keyset), so a long trail never asks for one huge result at once
            room = TRAIL_EXPORT_MAX - len(events)
            page, before = await audit.trail_for_case(
                db_session,
                case.id,
                limit=min(audit.TRAIL_PAGE, room),
                before=before,
                where=wanted.conditions(),
            )
            events.extend(page)
            if before is None or len(events) >= TRAIL_EXPORT_MAX:
                break
        names = await names_for(db_session, {e.actor_id for e in events if e.actor_id})
        body = trail.to_csv(events, names, more=before is not None)
        audit.record(db_session, "audit.exported", actor, case_id=case.id, target_type="audit_trail")
        day = dt.datetime.now(dt.UTC).astimezone(LONDON).date().isoformat()
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": attachment(f"audit-trail-{case.reference}-{day}.csv"),
                "Cache-Control": "no-store",
            },
        )
