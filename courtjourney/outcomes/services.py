"""The outcomes rules: record a measure, the exit survey and the equality answers, and read a case's
outcomes with the change from start to end. No HTTP in here; each check is made before anything is
written, so bad input changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.errors import InputError
from courtjourney.i18n import gettext as _
from courtjourney.outcomes import rules
from courtjourney.outcomes.models import (
    EqualityAnswers,
    ExitSurvey,
    ItemWording,
    OutcomeAnswer,
    OutcomeMeasure,
)
from courtjourney.web.forms import LONDON

COMMENT_LIMIT = 2000


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


@dataclass
class MeasureView:
    measure: OutcomeMeasure
    answers: dict[str, int]


@dataclass
class Change:
    """The change for one person from their start measure to their end measure: end minus start per item
    (only items answered both times)."""

    member_id: UUID
    start: MeasureView
    end: MeasureView
    by_item: dict[str, int]


@dataclass
class CaseOutcomes:
    measures: list[MeasureView] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    exit_survey: ExitSurvey | None = None
    equality: list[EqualityAnswers] = field(default_factory=list)

    def started(self, member_id: UUID) -> bool:
        return any(v.measure.member_id == member_id and v.measure.point == "start" for v in self.measures)


def change_of(start: Mapping[str, int], end: Mapping[str, int]) -> dict[str, int]:
    """End minus start for every item answered both times."""
    return {key: end[key] - start[key] for key in start if key in end}


async def case_outcomes(db: AsyncSession, case_id: UUID) -> CaseOutcomes:
    """Everything recorded on a case: its measures (oldest first) with their answers, each person's change
    from start to end, the exit survey and the equality answers."""
    measures = list(
        await db.scalars(
            select(OutcomeMeasure)
            .where(OutcomeMeasure.case_id == case_id)
            .order_by(OutcomeMeasure.answered_on, OutcomeMeasure.created_at)
        )
    )
    answers: dict[UUID, dict[str, int]] = {m.id: {} for m in measures}
    if measures:
        for a in await db.scalars(select(OutcomeAnswer).where(OutcomeAnswer.case_id == case_id)):
            answers.setdefault(a.measure_id, {})[a.item] = a.score
    views = [MeasureView(m, answers[m.id]) for m in measures]
    changes = []
    for member_id in dict.fromkeys(v.measure.member_id for v in views):
        start = next(
            (v for v in views if v.measure.member_id == member_id and v.measure.point == "start"), None
        )
        end = next((v for v in views if v.measure.member_id == member_id and v.measure.point == "end"), None)
        if start and end:
            changes.append(Change(member_id, start, end, change_of(start.answers, end.answers)))
    survey = await db.scalar(select(ExitSurvey).where(ExitSurvey.case_id == case_id))
    equality = list(
        await db.scalars(
            select(EqualityAnswers)
            .where(EqualityAnswers.case_id == case_id)
            .order_by(EqualityAnswers.created_at)
        )
    )
    return CaseOutcomes(views, changes, survey, equality)


async def _member(
    db: AsyncSession, case: Case, raw: Any, errors: dict[str, str], *, required: bool = True
) -> FamilyMember | None:
    """The family member of this case that `raw` names, or an error under `member_id`."""
    if raw in (None, ""):
        if required:
            errors["member_id"] = _("Choose who answered.")
        return None
    member_id = raw if isinstance(raw, UUID) else None
    if member_id is None:
        try:
            member_id = UUID(str(raw))
        except ValueError:
            member_id = None
    found = (
        await db.scalar(
            select(FamilyMember).where(FamilyMember.id == member_id, FamilyMember.case_id == case.id)
        )
        if member_id
        else None
    )
    if found is None:
        errors["member_id"] = _("Choose a family member of this case.")
    return found


def _answered_on(raw: Any, errors: dict[str, str], opened: dt.date | None = None) -> dt.date:
    if raw in (None, ""):
        return today()
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if not isinstance(raw, dt.date):
        try:
            raw = dt.date.fromisoformat(str(raw))
        except ValueError:
            errors["answered_on"] = _("When it was answered must be a real date, like 2026-03-02.")
            return today()
    if raw > today():
        errors["answered_on"] = _("When it was answered cannot be in the future.")
    elif raw.year < 2000:
        errors["answered_on"] = _("Check the year of when it was answered.")
    return raw


def _yes_no(raw: Any, name: str, errors: dict[str, str], message: str, *, required: bool) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if raw in (None, ""):
        if required:
            errors[name] = message
        return None
    text = str(raw).strip().lower()
    if text in {"yes", "true"}:
        return True
    if text in {"no", "false"}:
        return False
    errors[name] = message
    return None


async def record_measure(
    db: AsyncSession, actor: Actor, case: Case, values: Mapping[str, Any]
) -> OutcomeMeasure:
    """Record one answering of the measure. `values`: member_id, point, answered_on (empty: today),
    answers {item key: 1..5 or None}, child_at_home and engaged_with_case (True, False or None)."""
    errors: dict[str, str] = {}
    member = await _member(db, case, values.get("member_id"), errors)
    point = values.get("point")
    if point in (None, ""):
        errors["point"] = _("Choose when this was answered: at the start, at a review or at the end.")
    elif point not in dict(rules.POINTS):
        errors["point"] = _("Choose one of: at the start, at a review or at the end.")
    answered_on = _answered_on(values.get("answered_on"), errors)
    known = {i.key: i for i in rules.all_items()}
    asked = {i.key for i in rules.asked_items()}
    scores: dict[str, int] = {}
    raw_answers = values.get("answers") or {}
    if not isinstance(raw_answers, Mapping):
        errors["answers"] = _("Give the answers as a score from 1 to 5 for each item.")
        raw_answers = {}
    for key, raw in raw_answers.items():
        name = f"answers.{key}"
        if key not in asked:
            errors[name] = (
                _("This is not one of the items asked.")
                if key not in known
                else _("This item is no longer asked.")
            )
            continue
        if raw in (None, ""):
            continue  # the parent did not want to answer this one: fine
        try:
            score = int(raw) if not isinstance(raw, bool) and str(raw).strip().isdigit() else None
        except ValueError:
            score = None
        if score is None or not rules.LOWEST <= score <= rules.HIGHEST:
            errors[name] = _("Choose a score from 1 (not at all) to 5 (very much).")
            continue
        scores[key] = score
    at_home = _yes_no(
        values.get("child_at_home"),
        "child_at_home",
        errors,
        _("Answer yes or no, or leave it empty."),
        required=False,
    )
    engaged = _yes_no(
        values.get("engaged_with_case"),
        "engaged_with_case",
        errors,
        _("Answer yes or no, or leave it empty."),
        required=False,
    )
    if not errors and not scores and at_home is None and engaged is None:
        errors["answers"] = _("Nothing was answered: give at least one score.")
    if member is not None and point in rules.ONCE_ONLY and not errors:
        already = await db.scalar(
            select(OutcomeMeasure.id).where(
                OutcomeMeasure.case_id == case.id,
                OutcomeMeasure.member_id == member.id,
                OutcomeMeasure.point == point,
            )
        )
        if already is not None:
            errors["point"] = (
                _("A measure at the start is already recorded for this person. Choose a review instead.")
                if point == "start"
                else _("A measure at the end is already recorded for this person.")
            )
    if errors:
        raise InputError(errors)
    assert member is not None and isinstance(point, str)
    measure = OutcomeMeasure(
        case_id=case.id,
        member_id=member.id,
        point=point,
        answered_on=answered_on,
        recorded_by_id=actor.id,
        child_at_home=at_home,
        engaged_with_case=engaged,
    )
    db.add(measure)
    await db.flush()
    db.add_all(
        OutcomeAnswer(case_id=case.id, measure_id=measure.id, item=k, score=s) for k, s in scores.items()
    )
    await db.flush()
    audit.record(db, "family_outcome.measure_recorded", actor, case_id=case.id, target=measure)
    return measure


async def record_exit_survey(
    db: AsyncSession, actor: Actor, case: Case, values: Mapping[str, Any]
) -> ExitSurvey:
    """Record the exit survey (once per case). `values`: member_id (optional), answered_on, helped,
    would_recommend (True or False), comment."""
    errors: dict[str, str] = {}
    member = await _member(db, case, values.get("member_id"), errors, required=False)
    answered_on = _answered_on(values.get("answered_on"), errors)
    helped = _yes_no(
        values.get("helped"), "helped", errors, _("Say whether our support helped: yes or no."), required=True
    )
    recommend = _yes_no(
        values.get("would_recommend"),
        "would_recommend",
        errors,
        _("Say whether they would recommend us: yes or no."),
        required=True,
    )
    comment = values.get("comment")
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = _("The comment must be text.")
    elif comment:
        comment = comment.strip() or None
        if comment and len(comment) > COMMENT_LIMIT:
            errors["comment"] = _("The comment must be %(limit)d characters or fewer.") % {
                "limit": COMMENT_LIMIT
            }
        elif comment and "\x00" in comment:
            errors["comment"] = _("The comment contains a character we cannot store.")
    if await db.scalar(select(ExitSurvey.id).where(ExitSurvey.case_id == case.id)) is not None:
        errors["helped"] = _("The exit survey is already recorded for this case. It is asked once.")
    if errors:
        raise InputError(errors)
    survey = ExitSurvey(
        case_id=case.id,
        member_id=member.id if member else None,
        answered_on=answered_on,
        recorded_by_id=actor.id,
        helped=bool(helped),
        would_recommend=bool(recommend),
        comment=comment or None,
    )
    db.add(survey)
    await db.flush()
    audit.record(db, "family_outcome.exit_survey_recorded", actor, case_id=case.id, target=survey)
    return survey


async def record_equality(
    db: AsyncSession, actor: Actor, case: Case, values: Mapping[str, Any]
) -> EqualityAnswers:
    """Record a parent's equality answers, asked once. Every question may be left empty (not asked, or
    skipped) or answered "prefer not to say"."""
    errors: dict[str, str] = {}
    member = await _member(db, case, values.get("member_id"), errors)
    answered_on = _answered_on(values.get("answered_on"), errors)
    answers: dict[str, str | None] = {}
    for name, _question, choices in rules.EQUALITY:
        raw = values.get(name)
        if raw in (None, ""):
            answers[name] = None
        elif raw not in dict(choices):
            errors[name] = _("Choose one of the options, or leave it empty.")
        else:
            answers[name] = str(raw)
    if member is not None:
        already = await db.scalar(select(EqualityAnswers.id).where(EqualityAnswers.member_id == member.id))
        if already is not None:
            errors["member_id"] = _(
                "The equality questions were already asked of this person. They are asked once."
            )
    if errors:
        raise InputError(errors)
    assert member is not None
    row = EqualityAnswers(
        case_id=case.id, member_id=member.id, answered_on=answered_on, recorded_by_id=actor.id, **answers
    )
    db.add(row)
    await db.flush()
    audit.record(db, "family_outcome.equality_recorded", actor, case_id=case.id, target=row)
    return row


def label_of(choices: Any, key: str | None) -> str:
    """The words for a stored answer ("Not asked" for none)."""
    if key is None:
        return _("Not asked")
    return _(dict(choices).get(key, key))


async def current_items(db: AsyncSession) -> tuple[rules.Item, ...]:
    """Every item, in items.toml's order, in the words the service set on the items page where it set them."""
    wording = {w.key: w for w in await db.scalars(select(ItemWording))}
    return tuple(
        dataclasses.replace(i, en=wording[i.key].en, cy=wording[i.key].cy) if i.key in wording else i
        for i in rules.all_items()
    )


WORDING_LIMIT = 200


async def reword_items(db: AsyncSession, actor: Actor, values: Mapping[str, Any]) -> int:
    """Set the items' words from `values` ({"en.<key>": ..., "cy.<key>": ...}); words the same as
    items.toml's drop the service's own. Returns how many items changed."""
    errors: dict[str, str] = {}
    wanted: dict[str, tuple[str, str]] = {}
    for item in rules.all_items():
        words = []
        for lang in ("en", "cy"):
            name = f"{lang}.{item.key}"
            text = values.get(name)
            text = text.strip() if isinstance(text, str) else ""
            if not text:
                errors[name] = _("Enter the words of this sentence.")
            elif len(text) > WORDING_LIMIT:
                errors[name] = _("A sentence must be %(limit)d characters or fewer.") % {
                    "limit": WORDING_LIMIT
                }
            elif "\x00" in text:
                errors[name] = _("This contains a character we cannot store.")
            words.append(text)
        wanted[item.key] = (words[0], words[1])
    if errors:
        raise InputError(errors)
    rows = {w.key: w for w in await db.scalars(select(ItemWording))}
    changed = 0
    for item in rules.all_items():
        en, cy = wanted[item.key]
        row = rows.get(item.key)
        now = (row.en, row.cy) if row else (item.en, item.cy)
        if (en, cy) == now:
            continue
        changed += 1
        if (en, cy) == (item.en, item.cy):
            if row is not None:
                await db.delete(row)
        elif row is None:
            db.add(ItemWording(key=item.key, en=en, cy=cy, changed_by_id=actor.id))
        else:
            row.en, row.cy, row.changed_by_id = en, cy, actor.id
    await db.flush()
    if changed:
        audit.record(db, "family_outcome.items_reworded", actor, target_type="family_outcome_item_wording")
    return changed
