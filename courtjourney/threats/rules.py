"""The incident log's rules as data, each with where it comes from.

Sources: issue 5 ("Intimidation incident log the police can rely on") and DOMAIN.md section 0
(the Relational Safeguarding Model: parents pass on what they notice; provenance logs ask "How do
you know it is true?"; information is not yet intelligence, the police decide).
"""

from __future__ import annotations

from courtjourney.i18n import N_

# (key, label). Source: issue 5, "type".
KINDS: tuple[tuple[str, str], ...] = (
    ("threat_in_person", N_("Threat in person")),
    ("messages_online", N_("Messages or online")),
    ("phone_call", N_("Phone call")),
    ("damage", N_("Damage to property")),
    ("assault", N_("Assault")),
    ("followed_watched", N_("Being followed or watched")),
    ("approach_child", N_("Approach to the child")),
    ("approach_sibling", N_("Approach to a brother or sister")),
    ("other", N_("Other")),
)

# (key, label). Source: DOMAIN.md section 0 provenance logs; issue 5, "How do you know it is true?".
HOW_KNOWN: tuple[tuple[str, str], ...] = (
    ("saw_heard", N_("Saw or heard it themselves")),
    ("told", N_("Told by someone else")),
    ("screenshot_photo", N_("Screenshot or photo")),
    ("recording", N_("Recording or CCTV")),
    ("other", N_("Other")),
)

# Who passed it to the police. Source: issue 5, "date passed on, by whom".
PASSED_BY: tuple[tuple[str, str], ...] = (
    ("worker", N_("We passed it on")),
    ("family", N_("The family reported it themselves")),
)

# Structured identifiers a parent may notice. Source: DOMAIN.md section 0 ("car registrations,
# times of calls, names, social media comments"); issue 5.
IDENTIFIER_KINDS: tuple[tuple[str, str], ...] = (
    ("vehicle", N_("Vehicle registrations")),
    ("phone", N_("Phone numbers")),
    ("username", N_("Usernames or social media accounts")),
)

# The prompt to think again about risk and court arrangements. Source: issue 5, "three or more
# incidents in 14 days or any assault"; court arrangements from DOMAIN.md section 0 (special
# arrangements at court) and issue 5 (separate entrance, separate waiting area).
CLUSTER_COUNT = 3
CLUSTER_DAYS = 14
ALWAYS_PROMPT_KINDS = frozenset({"assault"})

# Evidence files. Source: issue 5 ("screenshots, photos, PDFs"; "size limit (20 MB)").
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

# How far ahead of the server's clock a time may be and still count as "now" (a phone's clock
# running a little fast should not turn a report into an error).
CLOCK_GRACE_MINUTES = 5
