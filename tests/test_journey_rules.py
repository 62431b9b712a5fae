"""The journey's rules, read straight from the data table (no database)."""

from __future__ import annotations

import pytest

from courtjourney.cases.journey import (
    MOVES,
    PLAYBOOKS,
    STAGES,
    MoveKind,
    MoveRefused,
    Stage,
    check_move,
)
from courtjourney.cases.journey_map import lay_out

OPEN = [s for s in STAGES if s is not Stage.CLOSED]


@pytest.mark.parametrize("here,there", list(zip(OPEN, OPEN[1:])))
def test_one_step_forward_needs_no_reason(here: Stage, there: Stage) -> None:
    assert check_move(here, there, None).kind is MoveKind.FORWARD


def test_skipping_ahead_needs_a_reason() -> None:
    with pytest.raises(MoveRefused) as refused:
        check_move(Stage.INVESTIGATION, Stage.OUTCOME, "  ")
    assert refused.value.field == "reason"
    assert check_move(Stage.INVESTIGATION, Stage.OUTCOME, "No charge: NFA").kind is MoveKind.SKIP


def test_going_back_for_a_retrial_needs_a_reason() -> None:
    with pytest.raises(MoveRefused):
        check_move(Stage.OUTCOME, Stage.TRIAL, None)
    assert check_move(Stage.OUTCOME, Stage.TRIAL, "Retrial ordered").kind is MoveKind.BACK


def test_staying_put_is_refused() -> None:
    for stage in STAGES:
        with pytest.raises(MoveRefused):
            check_move(stage, stage, "because")


def test_every_move_other_than_one_step_forward_needs_a_reason() -> None:
    for (here, there), move in MOVES.items():
        one_step = STAGES.index(there) == STAGES.index(here) + 1
        assert move.needs_reason is (not one_step), (here, there, move)


def test_every_open_stage_can_close_and_closed_can_reopen() -> None:
    for stage in OPEN:
        assert (stage, Stage.CLOSED) in MOVES
        assert MOVES[(Stage.CLOSED, stage)].kind is MoveKind.REOPEN


def test_every_stage_but_closed_has_a_playbook() -> None:
    for stage in OPEN:
        assert PLAYBOOKS[stage], stage
    keys = [item.key for items in PLAYBOOKS.values() for item in items]
    assert len(keys) == len(set(keys)), "playbook keys must be unique across stages"


def test_journey_map_marks_done_skipped_current_and_ahead() -> None:
    import datetime as dt

    t = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    history = [("risk_assessment", t), ("disclosure", t), ("investigation", t), ("outcome", t)]
    states = {stop.stage: stop.state for stop in lay_out(history, lambda s: s).stops}
    assert states[Stage.INVESTIGATION] == "done"
    assert states[Stage.TRIAL] == "skipped"
    assert states[Stage.OUTCOME] == "current"
    assert states[Stage.POST_TRIAL] == "ahead"
    assert states[Stage.CLOSED] == "ahead"


def test_after_a_retrial_move_later_stages_are_ahead_again() -> None:
    import datetime as dt

    t = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    history = [(s.value, t) for s in OPEN[:5]] + [("trial", t)]
    journey = lay_out(history, lambda s: s)
    states = {stop.stage: stop.state for stop in journey.stops}
    assert journey.current is Stage.TRIAL
    assert states[Stage.OUTCOME] == "ahead"
