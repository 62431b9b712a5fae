"""How a case's stages and tasks read, in the reader's language."""

from __future__ import annotations

from courtjourney.cases.journey import PLAYBOOK_TITLES, STAGE_LABELS, Stage
from courtjourney.cases.models import Task
from courtjourney.i18n import gettext as _


def task_title(task: Task) -> str:
    """Playbook tasks show in the reader's language; the worker's own tasks as written."""
    if task.playbook_key and task.playbook_key in PLAYBOOK_TITLES:
        return _(PLAYBOOK_TITLES[task.playbook_key])
    return task.title


def stage_label(stage: str | Stage) -> str:
    return _(STAGE_LABELS[Stage(stage)])
