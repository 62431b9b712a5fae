"""The outcome measure's items (read from items.toml, which the service edits), its scale and points, the
exit survey's answers, and the equality questions with their categories.

Ethnicity uses the Office for National Statistics' 19 categories of the 2021 Census for England and
Wales (source: ONS, "Ethnic group classification 2021", https://www.ons.gov.uk/census/census2021dictionary/
variablesbytopic/ethnicgroupnationalidentitylanguageandreligionvariablescensus2021/ethnicgroup/
classifications); age bands are the ten-year bands funders' returns use; disability is the Equality Act
2010 question (a condition that limits day-to-day activities). Every equality question has "prefer not
to say", and none is required: a question left empty is kept as not asked.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from courtjourney.i18n import N_, get_locale

ITEMS_FILE = Path(__file__).with_name("items.toml")


@dataclass(frozen=True)
class Item:
    """One item of the measure: a sentence the parent says how true it is for them (1 to 5)."""

    key: str
    en: str
    cy: str
    asked: bool = True

    @property
    def text(self) -> str:
        """The item in the reader's language (English where the Welsh is missing)."""
        return (self.cy if get_locale() == "cy" else self.en) or self.en


@cache
def all_items() -> tuple[Item, ...]:
    """Every item in items.toml, asked or not (earlier answers to an item no longer asked still show)."""
    with ITEMS_FILE.open("rb") as f:
        raw = tomllib.load(f)
    items = tuple(
        Item(str(i["key"]), str(i["en"]), str(i.get("cy") or ""), bool(i.get("asked", True)))
        for i in raw.get("item", [])
    )
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{ITEMS_FILE}: each item needs a key of its own")
    return items


def asked_items() -> tuple[Item, ...]:
    """The items the form asks now, in the file's order."""
    return tuple(i for i in all_items() if i.asked)


def item_text(key: str) -> str:
    found = {i.key: i for i in all_items()}.get(key)
    return found.text if found else key


LOWEST, HIGHEST = 1, 5
SCALE = (
    ("1", N_("1: not at all")),
    ("2", N_("2: a little")),
    ("3", N_("3: somewhat")),
    ("4", N_("4: mostly")),
    ("5", N_("5: very much")),
)

#: When a measure is answered: at the start of support, at a review, at the end. One start and one end
#: per person on a case; as many reviews as there are.
POINTS = (
    ("start", N_("At the start of support")),
    ("review", N_("At a review")),
    ("end", N_("At the end of support")),
)
ONCE_ONLY = ("start", "end")

YES_NO = (("yes", N_("Yes")), ("no", N_("No")))

PREFER_NOT = "prefer_not_to_say"
PREFER_NOT_LABEL = N_("Prefer not to say")

AGE_BANDS = (
    ("under_25", N_("Under 25")),
    ("25_34", N_("25 to 34")),
    ("35_44", N_("35 to 44")),
    ("45_54", N_("45 to 54")),
    ("55_64", N_("55 to 64")),
    ("65_over", N_("65 or over")),
    (PREFER_NOT, PREFER_NOT_LABEL),
)
GENDERS = (
    ("woman", N_("Woman")),
    ("man", N_("Man")),
    ("another_way", N_("In another way")),
    (PREFER_NOT, PREFER_NOT_LABEL),
)
ETHNICITIES = (
    ("asian_bangladeshi", N_("Asian or Asian British: Bangladeshi")),
    ("asian_chinese", N_("Asian or Asian British: Chinese")),
    ("asian_indian", N_("Asian or Asian British: Indian")),
    ("asian_pakistani", N_("Asian or Asian British: Pakistani")),
    ("asian_other", N_("Asian or Asian British: any other Asian background")),
    ("black_african", N_("Black, Black British, Black Welsh, Caribbean or African: African")),
    ("black_caribbean", N_("Black, Black British, Black Welsh, Caribbean or African: Caribbean")),
    (
        "black_other",
        N_("Black, Black British, Black Welsh, Caribbean or African: any other Black background"),
    ),
    ("mixed_white_asian", N_("Mixed or multiple ethnic groups: White and Asian")),
    ("mixed_white_black_african", N_("Mixed or multiple ethnic groups: White and Black African")),
    ("mixed_white_black_caribbean", N_("Mixed or multiple ethnic groups: White and Black Caribbean")),
    ("mixed_other", N_("Mixed or multiple ethnic groups: any other mixed background")),
    ("white_british", N_("White: English, Welsh, Scottish, Northern Irish or British")),
    ("white_irish", N_("White: Irish")),
    ("white_gypsy_traveller", N_("White: Gypsy or Irish Traveller")),
    ("white_roma", N_("White: Roma")),
    ("white_other", N_("White: any other White background")),
    ("other_arab", N_("Other ethnic group: Arab")),
    ("other_any", N_("Other ethnic group: any other ethnic group")),
    (PREFER_NOT, PREFER_NOT_LABEL),
)
DISABILITY = (
    ("yes", N_("Yes")),
    ("no", N_("No")),
    (PREFER_NOT, PREFER_NOT_LABEL),
)

#: The equality questions: the column, the question and its answers (the report counts each answer).
EQUALITY = (
    ("age_band", N_("Age"), AGE_BANDS),
    ("gender", N_("Gender"), GENDERS),
    ("ethnicity", N_("Ethnic group"), ETHNICITIES),
    ("disability", N_("Disability or long-term condition that limits day-to-day life"), DISABILITY),
)
