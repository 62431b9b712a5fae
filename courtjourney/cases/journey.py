"""The staged journey as data: stages, the moves allowed between them, and each stage's playbook.

No database here: `check_move` and `playbook_for` are pure, so the rules can be read and tested alone.
Source for the stages: the Relational Safeguarding Model's journey "through risk assessment,
safeguarding planning, possible disclosure, investigation, trial, trial outcome and therapy"
(shared/DOMAIN.md section 0), plus `closed` for when support ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from courtjourney.errors import MoveRefused
from courtjourney.i18n import N_

__all__ = ["MoveRefused"]  # raised by check_move; defined with every other error in errors.py


class Stage(StrEnum):
    RISK_ASSESSMENT = "risk_assessment"
    DISCLOSURE = "disclosure"
    INVESTIGATION = "investigation"
    TRIAL = "trial"
    OUTCOME = "outcome"
    POST_TRIAL = "post_trial"
    CLOSED = "closed"


STAGES: tuple[Stage, ...] = tuple(Stage)
FIRST_STAGE = Stage.RISK_ASSESSMENT

STAGE_LABELS: dict[Stage, str] = {
    Stage.RISK_ASSESSMENT: N_("Risk assessment"),
    Stage.DISCLOSURE: N_("Disclosure"),
    Stage.INVESTIGATION: N_("Investigation"),
    Stage.TRIAL: N_("Trial"),
    Stage.OUTCOME: N_("Outcome"),
    Stage.POST_TRIAL: N_("After the trial"),
    Stage.CLOSED: N_("Closed"),
}


class MoveKind(StrEnum):
    START = "start"  # the case is opened
    FORWARD = "forward"  # one step on
    SKIP = "skip"  # jumps ahead, e.g. no prosecution: investigation straight to outcome
    BACK = "back"  # returns, e.g. a retrial or a second trial against another defendant
    CLOSE = "close"  # support ends early
    REOPEN = "reopen"  # a closed case is picked up again


@dataclass(frozen=True)
class Move:
    kind: MoveKind
    needs_reason: bool


def _declare() -> dict[tuple[Stage, Stage], Move]:
    """Every allowed move, declared once. Anything not listed here is refused."""
    order = list(STAGES[:-1])  # the open stages, in journey order
    moves: dict[tuple[Stage, Stage], Move] = {}
    for i, here in enumerate(order):
        for j, there in enumerate(order):
            if j == i + 1:
                moves[(here, there)] = Move(MoveKind.FORWARD, needs_reason=False)
            elif j > i + 1:
                moves[(here, there)] = Move(MoveKind.SKIP, needs_reason=True)
            elif j < i:
                moves[(here, there)] = Move(MoveKind.BACK, needs_reason=True)
        if here is Stage.POST_TRIAL:
            moves[(here, Stage.CLOSED)] = Move(MoveKind.FORWARD, needs_reason=False)
        else:
            moves[(here, Stage.CLOSED)] = Move(MoveKind.CLOSE, needs_reason=True)
        moves[(Stage.CLOSED, here)] = Move(MoveKind.REOPEN, needs_reason=True)
    return moves


MOVES: dict[tuple[Stage, Stage], Move] = _declare()


def check_move(current: Stage, target: Stage, reason: str | None) -> Move:
    """Return the move from `current` to `target`, or raise MoveRefused saying why not."""
    if target == current:
        raise MoveRefused("to_stage", N_("The case is already at this stage. Choose a different stage."))
    move = MOVES.get((current, target))
    if move is None:
        raise MoveRefused("to_stage", N_("A case cannot move straight from this stage to that one."))
    if move.needs_reason and not (reason and reason.strip()):
        raise MoveRefused(
            "reason",
            N_("Say why the case is moving this way. Every move except one step forward needs a reason."),
        )
    return move


def stage_position(stage: Stage) -> int:
    return STAGES.index(stage)


@dataclass(frozen=True)
class PlaybookItem:
    key: str
    title: str  # marked for translation; shown through gettext
    due_in_days: int | None = None


# The IPSW's checklist for each stage. Edit freely: these become the case's tasks when the stage starts.
PLAYBOOKS: dict[Stage, tuple[PlaybookItem, ...]] = {
    Stage.RISK_ASSESSMENT: (
        PlaybookItem("threshold", N_("Complete the threshold assessment with the parents"), 7),
        PlaybookItem("safety_plan", N_("Agree a safety plan together with the parents"), 14),
        PlaybookItem("parent_needs", N_("Talk through what support the parents need for themselves"), 14),
        PlaybookItem("consent", N_("Ask about consent to share records, and record the answer"), 14),
        PlaybookItem(
            "who_is_who", N_("Explain who is who: IPSW, child support worker, police, social care"), 7
        ),
    ),
    Stage.DISCLOSURE: (
        PlaybookItem("abe_explained", N_("Explain the video-recorded (ABE) interview to the parents")),
        PlaybookItem("disclosure_support", N_("Support the parents around what the child has said")),
        PlaybookItem("passing_on", N_("Agree how the parents pass on what they notice to the police")),
    ),
    Stage.INVESTIGATION: (
        PlaybookItem(
            "keep_informed", N_("Keep the parents told about arrests, bail and release under investigation")
        ),
        PlaybookItem("intimidation_log", N_("Keep the log of any threats or intimidation up to date")),
        PlaybookItem("charging_decision", N_("Explain the charging decision when it comes")),
        PlaybookItem("right_to_review", N_("If there is no charge, explain the right to ask for a review")),
    ),
    Stage.TRIAL: (
        PlaybookItem("special_measures", N_("Check which special measures are agreed for the child")),
        PlaybookItem("ground_rules", N_("Find out the date of the ground rules hearing")),
        PlaybookItem("court_visit", N_("Arrange a visit to the court before the trial")),
        PlaybookItem("vps", N_("Help the family with their Victim Personal Statement, if they want one")),
        PlaybookItem("witness_pack", N_("Send the briefing pack to the Witness Service")),
        PlaybookItem("travel", N_("Sort out travel, childcare and expenses for court days")),
        PlaybookItem("briefings", N_("Brief the family before every hearing")),
    ),
    Stage.OUTCOME: (
        PlaybookItem("debrief", N_("Go through the outcome with the family"), 7),
        PlaybookItem("sentence_review", N_("Check the deadline to ask for a sentence review"), 7),
        PlaybookItem("victim_contact", N_("Check the family is offered the Victim Contact Scheme"), 10),
        PlaybookItem("appeals", N_("Explain what happens if there is an appeal"), 14),
    ),
    Stage.POST_TRIAL: (
        PlaybookItem("support_plan", N_("Agree a support plan for the months ahead"), 14),
        PlaybookItem("compensation", N_("Help with a criminal injuries compensation claim"), 28),
        PlaybookItem("reviews", N_("Set dates to review how the family is doing")),
        PlaybookItem("closing", N_("Plan how and when support will end, with the family")),
    ),
    Stage.CLOSED: (),
}


def playbook_for(stage: Stage) -> tuple[PlaybookItem, ...]:
    return PLAYBOOKS[stage]


PLAYBOOK_TITLES: dict[str, str] = {item.key: item.title for items in PLAYBOOKS.values() for item in items}
