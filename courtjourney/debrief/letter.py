"""The family's debrief letter: what was decided, the sentence explained, what happens next and by when.

`context()` turns stored outcomes into the words the Word templates show, already in the family
member's language (every sentence goes through the catalogue), so one template serves English and
Welsh. Sentences are short and plain: the tests measure the demo letter with textstat.

`words_used` is the hook for the glossary linker (built elsewhere): a list of {term, meaning}
pairs shown under "Words used in this letter". It is empty until the linker is plugged in here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from courtjourney import i18n
from courtjourney.accounts.audit import Actor
from courtjourney.cases.models import Case
from courtjourney.debrief import rules
from courtjourney.debrief.models import Outcome
from courtjourney.debrief.services import CaseDeadline, first_report
from courtjourney.hearings.models import Charge

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from courtjourney.glossary.terms import Linker

TEMPLATES = {"outcome": "debrief_outcome", "not_prosecuted": "debrief_not_prosecuted"}


@dataclass
class Letter:
    kind: str  # outcome | not_prosecuted
    template: str
    lang: str
    title: str
    context: dict[str, Any]


def kind_of(outcomes: list[Outcome]) -> str | None:
    """Which letter the outcomes call for: any court result gets the outcome letter; only a decision
    not to prosecute gets the letter about the right to review."""
    if not outcomes:
        return None
    if all(o.result in rules.NOT_PROSECUTED for o in outcomes):
        return "not_prosecuted"
    return "outcome"


def _years(months: int, _: Any) -> str:
    whole, rest = divmod(months, 12)
    if rest == 0:
        return _("%(years)d years") % {"years": whole} if whole != 1 else _("1 year")
    if rest == 6:
        return _("%(years)d and a half years") % {"years": whole}
    return _("%(months)d months") % {"months": months}


def _who(o: Outcome, _: Any) -> str:
    return o.defendant or _("the defendant")


def _result_lines(o: Outcome, charge: Charge | None, _: Any) -> list[str]:
    who = _who(o, _)
    crime = charge.description if charge else _("the crime")
    lines = {
        "convicted": [_("%(who)s was found guilty of: %(crime)s.") % {"who": who, "crime": crime}],
        "guilty_plea": [
            _("%(who)s said they were guilty of: %(crime)s. This is called a guilty plea.")
            % {"who": who, "crime": crime}
        ],
        "acquitted": [
            _("%(who)s was found not guilty of: %(crime)s.") % {"who": who, "crime": crime},
            _(
                "This does not mean that nobody believed your child. The law says the court must be sure, "
                "and it was not sure enough."
            ),
        ],
        "hung_jury": [
            _("The jury could not agree about %(who)s.") % {"who": who},
            _("The prosecution will decide if there will be a new trial. I will tell you as soon as I know."),
        ],
        "retrial_ordered": [
            _("There will be a new trial for %(who)s. I will tell you the date as soon as I know it.")
            % {"who": who}
        ],
        "discontinued": [_("The prosecution decided to stop the case against %(who)s.") % {"who": who}],
        "no_evidence": [
            _(
                "The prosecution told the court it would not go on with the case against %(who)s. "
                "This ends the case, and the court finds them not guilty."
            )
            % {"who": who}
        ],
        "no_further_action": [
            _("The police decided to take no further action. This means nobody will be charged for now.")
        ],
    }
    return lines[o.result]


def sentence_lines(o: Outcome, _: Any, lang: str) -> list[str]:
    who, f = _who(o, _), facts_for_letter(o)
    s = o.sentence_type
    if s is None:
        return []
    lines: list[str] = []
    length = _years(o.custody_months, _) if o.custody_months else ""
    if s == "custody":
        lines.append(
            _("%(who)s was sent to prison. The sentence is %(length)s long.") % {"who": who, "length": length}
        )
        rule = rules.release_rule(f)
        if rule is not None:
            lines.append(_(rule.explains))
            release = rules.likely_release(f)
            if release is not None:
                lines.append(
                    _(
                        "So the earliest they are likely to leave prison is around %(day)s. "
                        "Time they spent locked up before the trial can make this sooner."
                    )
                    % {"day": i18n.long_date(release, lang)}
                )
            answer = rules.release_law(f)
            if answer is not None and answer.pending:
                lines.append(_("The law on release is changing. Your support worker will confirm the date."))
        lines.append(_(rules.LICENCE[0]))
    elif s == "suspended":
        lines.append(
            _(
                "%(who)s was given a suspended sentence of %(length)s. They will not go to prison now. "
                "If they commit another crime or break the court's rules, they can be sent to prison."
            )
            % {"who": who, "length": length}
        )
    elif s in {"community_order", "yro"}:
        lines.append(
            _(
                "%(who)s must follow rules set by the court and do work in the community. "
                "Probation or the youth justice team will check that they do."
            )
            % {"who": who}
        )
    elif s in {"hospital_order", "restricted_hospital_order"}:
        lines.append(_("%(who)s was sent to hospital for treatment, instead of prison.") % {"who": who})
    elif s == "fine":
        lines.append(_("%(who)s must pay a fine.") % {"who": who})
    elif s == "conditional_discharge":
        lines.append(
            _("%(who)s will not be punished now, as long as they do not commit another crime for a set time.")
            % {"who": who}
        )
    elif s == "absolute_discharge":
        lines.append(
            _("The court decided not to punish %(who)s. They still have a criminal record for this.")
            % {"who": who}
        )
    row = rules.notification_row(f)
    if row is not None:
        period = rules.notification_period(row, o.offender_under_18, o.discharge_months, o.sentence_on)
        if period == "indefinite":
            years = rules.review_years(o.offender_under_18, o.sentence_on)
            lines.append(
                _(
                    "%(who)s must keep telling the police where they live, and other details, for the rest of their life. "
                    "They can ask for this to be reviewed after %(years)d years."
                )
                % {"who": who, "years": years}
            )
        elif isinstance(period, int):
            lines.append(
                _("%(who)s must keep telling the police where they live, and other details, for %(length)s.")
                % {"who": who, "length": _years(period, _)}
            )
    if o.restraining_order:
        lines.append(_(rules.RESTRAINING_ORDER[0]) % rules.restraining_order_values())
        lines.append(
            _("This order lasts for %(length)s.") % {"length": _years(o.restraining_order_months, _)}
            if o.restraining_order_months
            else _("This order lasts until the court changes it.")
        )
    if o.shpo:
        lines.append(_(rules.SHPO[0]))
    return lines


def facts_for_letter(o: Outcome) -> rules.Facts:
    return rules.Facts(
        result=o.result,
        court_type=o.court_type,
        category=o.category,
        decided_on=o.decided_on,
        sentence_type=o.sentence_type,
        custody_months=o.custody_months,
        sentence_on=o.sentence_on,
        offender_under_18=o.offender_under_18,
        particular_concern=o.particular_concern,
        life_maximum=o.life_maximum,
        discharge_months=o.discharge_months,
    )


def _deadline_rows(deadlines: list[CaseDeadline], _: Any, lang: str) -> list[dict[str, str]]:
    rows = []
    for cd in deadlines:
        d = cd.deadline
        if d.missing:
            by = _("Not known yet. We need %(what)s.") % {"what": _(" and ").join(_(m) for m in d.missing)}
        else:
            by = i18n.long_date(d.act_on, lang)
            if d.act_by:
                by += " " + _("(the last day the law allows is %(day)s)") % {
                    "day": i18n.long_date(d.due, lang)
                }
            if d.later:
                by += " " + _("(at the latest %(day)s)") % {"day": i18n.long_date(d.later, lang)}
        rule = " ".join(
            d.say(text, _) for text in (d.rule, *d.act_by_reasons, *((d.note,) if d.note else ()))
        )
        rows.append({"what": _(d.title), "by": by, "rule": rule})
    return rows


def _uls_lines(deadlines: list[CaseDeadline], _: Any, lang: str) -> list[str]:
    """The Unduly Lenient Sentence paragraph, with its date. The date is given even while we check that the
    offence is covered: the days run from sentence whatever the answer ([G1])."""
    lines = [
        _(
            "Anyone can ask the Attorney General to look at some Crown Court sentences again. "
            "This is the Unduly Lenient Sentence scheme. The time limit is strict, so tell me soon if you want to ask."
        )
    ]
    uls = [cd.deadline for cd in deadlines if cd.deadline.key == "uls" and cd.deadline.known]
    for d in uls:
        if d.note:
            lines.append(_("We are still checking if the scheme covers this offence. It may apply."))
        lines.append(
            _("Ask by %(day)s. The %(days)d days cannot be made longer.")
            % {"day": i18n.long_date(d.act_on, lang), "days": d.values["days"]}
        )
    return lines


def context(
    case: Case,
    member_name: str,
    lang: str,
    outcomes: list[Outcome],
    charges: dict[Any, Charge],
    deadlines: list[CaseDeadline],
    worker_name: str,
    today: dt.date | None = None,
) -> Letter:
    """The words of the letter, in `lang`. Raises ValueError when there is no outcome to explain."""
    kind = kind_of(outcomes)
    if kind is None:
        raise ValueError("no outcome recorded")
    _ = i18n.translations(lang).gettext
    today = today or dt.date.today()
    decided = outcomes
    sections: list[dict[str, Any]] = []
    what = [line for o in decided for line in _result_lines(o, charges.get(o.charge_id), _)]
    if kind == "outcome":
        title = _("After the court case: what happens now")
        intro = [
            _(
                "This letter is about the court case for %(child)s. It explains what the court decided and what happens next."
            )
            % {"child": case.child_name},
            _("I will go through it with you. You can ask me anything, at any time."),
        ]
        sections.append({"heading": _("What the court decided"), "paragraphs": what})
        sentence = [line for o in decided for line in sentence_lines(o, _, lang)]
        if sentence:
            sections.append({"heading": _("The sentence"), "paragraphs": sentence})
        if any(o.sentence_type and o.court_type == "crown" and o.uls_eligible != "no" for o in decided):
            sections.append(
                {
                    "heading": _("If you think the sentence is too low"),
                    "paragraphs": _uls_lines(deadlines, _, lang),
                }
            )
    else:
        title = _("Why the case is not going to court")
        intro = [
            _(
                "This letter is about the case for %(child)s. It explains what was decided and what you can do about it."
            )
            % {"child": case.child_name},
            _("I will go through it with you. You can ask me anything, at any time."),
        ]
        sections.append(
            {
                "heading": _("What was decided"),
                "paragraphs": [
                    *what,
                    _(
                        "This does not mean that nobody believed your child. It usually means they think the evidence is not strong enough "
                        "for a court to be sure."
                    ),
                ],
            }
        )
        vrr = next((cd.deadline for cd in deadlines if cd.deadline.key == "vrr" and cd.deadline.known), None)
        review = [
            _(
                "You can ask for the decision to be looked at again. This is called the Victims' Right to Review. It is free."
            ),
            _("Someone who did not make the first decision will look at it again. They can change it."),
        ]
        if vrr is not None:
            review.append(
                _(
                    "Ask by %(day)s for a quick review. They will still take a request until %(later)s. "
                    "After that they only look again in rare cases."
                )
                % {"day": i18n.long_date(vrr.due, lang), "later": i18n.long_date(vrr.later, lang)}
            )
        review.append(_("I can help you ask, if you want to."))
        sections.append({"heading": _("Your right to ask for a review"), "paragraphs": review})
    after = [
        {
            "heading": _("Support for you"),
            "paragraphs": [
                _("I will keep supporting you now the case is over. We will make a plan together."),
                _("We will meet to see how you are after 1, 3, 6 and 9 months."),
                _(
                    "You may be able to get money from the Criminal Injuries Compensation Authority. I can help you apply."
                ),
            ],
        },
        {
            "heading": _("How you might feel"),
            "paragraphs": [
                _(
                    "This may not be the result you hoped for. That is not your fault, and it is not your child's fault."
                ),
                _(
                    "Many families feel angry, sad or let down after a case like this. Those feelings are normal."
                ),
                _("Your child was brave to speak up. Please talk to me about how you both feel."),
            ],
        },
    ]
    ctx = {
        "title": title,
        "greeting": _("Dear %(name)s,") % {"name": member_name},
        "intro": intro,
        "sections": sections,
        "deadlines_heading": _("What happens next, and by when"),
        "deadlines_intro": _("These are the dates that matter. I will remind you before each one."),
        "th_what": _("What"),
        "th_by": _("By when"),
        "th_rule": _("The rule"),
        "deadlines": _deadline_rows(deadlines, _, lang),
        "after": after,
        "words_heading": _("Words used in this letter"),
        "words_used": [],  # hook for the glossary linker: [{"term": ..., "meaning": ...}]
        "sign_off": _("From %(worker)s, your support worker") % {"worker": worker_name},
        "written_on": i18n.long_date(today, lang),
    }
    return Letter(kind, TEMPLATES[kind], lang, title, ctx)


def plain_text(ctx: dict[str, Any]) -> str:
    """Every sentence of the letter as text, for measuring how easy it is to read."""
    parts = [ctx["title"], ctx["greeting"], *ctx["intro"]]
    for section in [*ctx["sections"], *ctx["after"]]:
        parts += [section["heading"], *section["paragraphs"]]
    parts += [ctx["deadlines_heading"], ctx["deadlines_intro"]]
    for row in ctx["deadlines"]:
        parts += [row["what"] + ".", row["rule"]]
    return "\n".join(parts)


__all__ = ("Letter", "context", "first_report", "kind_of", "plain_text")


async def produce(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    *,
    signed_by: str,
    member_id: UUID | None = None,
    keep: bool = False,
) -> tuple[bytes, Letter]:
    """Render the debrief letter for one family member (default: the first), in their language, signed by
    `signed_by`, and audit it. Reading it (a GET) stores nothing; only `keep=True` (the worker's explicit
    "keep the letter", a POST) adds it to the case's documents."""
    from courtjourney.accounts import audit
    from courtjourney.cases import services as cases
    from courtjourney.debrief import services
    from courtjourney.documents import store
    from courtjourney.errors import InputError
    from courtjourney.hearings import services as hearings

    family = await cases.family_for(db, case.id)
    member = (
        next((m for m in family if m.id == member_id), None) if member_id else (family[0] if family else None)
    )
    if member_id and member is None:
        raise InputError({"member": i18n.gettext("Choose a family member of this case.")})
    outcomes = await services.outcomes_for(db, case.id)
    if not outcomes:
        raise InputError({"outcome": i18n.gettext("Record an outcome first: the letter explains it.")})
    lang = member.preferred_language if member and member.preferred_language in i18n.LOCALES else "en"
    charges = {c.id: c for c in await hearings.charges_for(db, case.id)}
    letter = context(
        case,
        member.name if member else i18n.translations(lang).gettext("family"),
        lang,
        outcomes,
        charges,
        services.case_deadlines(case, outcomes),
        signed_by,
    )
    from courtjourney.glossary import services as glossary

    linker = await glossary.letter_linker(db, case.team_id, lang)
    letter.context["words_used"] = words_used(letter.context, lang, linker)
    body = await store.render_off_loop(letter.template, letter.context, lang=lang, title=letter.title)
    if not keep:
        audit.record(db, "document.debrief_viewed", actor, case_id=case.id, target=member)
        return body, letter
    await store.keep(
        db,
        actor,
        case,
        kind="debrief",
        template=letter.template,
        lang=lang,
        title=letter.title,
        body=body,
        family_member_id=member.id if member else None,
    )
    audit.record(db, "document.debrief_produced", actor, case_id=case.id, target=member)
    return body, letter


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def words_used(context: dict[str, Any], lang: str, linker: Linker | None = None) -> list[dict[str, str]]:
    """The glossary words the letter uses, in order of first use, in the letter's language: the shipped
    words, and the case's own team's entries when `linker` knows them (never another team's)."""
    from courtjourney.glossary import terms as glossary

    text = " ".join(_strings({k: v for k, v in context.items() if k != "words_used"}))
    return glossary.words_used(text, lang, linker)
