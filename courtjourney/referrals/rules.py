"""The referral's lists (where it came from, how urgent, where it stands) as data, one row each.

Keys are stored and sent by the API; labels are the plain words shown (N_-marked, translated when drawn).
"""

from __future__ import annotations

import datetime as dt

from courtjourney.i18n import N_

#: Where a referral came from. "parent" is a parent who got in touch themselves (a self-referral).
SOURCES: tuple[tuple[str, str], ...] = (
    ("police", N_("Police")),
    ("childrens_social_care", N_("Children's social care")),
    ("school", N_("School")),
    ("health", N_("Health")),
    ("other_agency", N_("Another agency")),
    ("parent", N_("The parent themselves")),
    ("other", N_("Other")),
)
SELF_REFERRAL = "parent"

URGENCIES: tuple[tuple[str, str], ...] = (
    ("routine", N_("Routine")),
    ("soon", N_("Soon")),
    ("urgent", N_("Urgent")),
)
#: The queue shows the most urgent first, then the longest waiting.
URGENCY_ORDER = {"urgent": 0, "soon": 1, "routine": 2}

NEW, WAITING, ACCEPTED, DECLINED, WITHDRAWN = "new", "waiting", "accepted", "declined", "withdrawn"
STATUSES: tuple[tuple[str, str], ...] = (
    (NEW, N_("New")),
    (WAITING, N_("Waiting")),
    (ACCEPTED, N_("Accepted")),
    (DECLINED, N_("Declined")),
    (WITHDRAWN, N_("Withdrawn")),
)
#: Not decided yet: these still wait, and count their days.
OPEN = (NEW, WAITING)

CONSENT: tuple[tuple[str, str], ...] = (("yes", N_("Yes")), ("no", N_("No")))

#: How far back a referral may be dated, and how far ahead of the clock a "now" may run (a slow clock).
OLDEST = dt.timedelta(days=366 * 5)
FUTURE_GRACE = dt.timedelta(minutes=5)
#: The oldest a child's date of birth may be (the service supports children; older siblings rarely).
OLDEST_CHILD_YEARS = 25

SOURCE_LABELS = dict(SOURCES)
URGENCY_LABELS = dict(URGENCIES)
STATUS_LABELS = dict(STATUSES)
