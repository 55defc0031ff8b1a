"""Blocking: which record pairs are scored at all, and which pairs train the model.

Prediction rules are OR-ed (Splink scores each pair once). They block on the normalized
keys, never on raw strings, so «Иванов», «IVANOV» and «Иванова» meet in one block.

Training blocks are tried in order of how rarely non-matches share their fields: an
exact birth day is shared by few strangers, a unit and an event day by few more, a full
name by every namesake and a surname with a patronymic by brothers. A block cannot
train the comparisons of the fields it blocks on (``excludes``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Scored pairs: any one of these holds.
PREDICTION_RULES: tuple[str, ...] = (
    # surname sound (sex endings, transliteration folded) + given initial
    "l.name_block = r.name_block",
    # a mangled surname is caught by the exact birth day and given name
    "l.birth_day = r.birth_day AND l.given_initial = r.given_initial",
    # a surname and birth year with a different given-name reading (Ю/Yu, initials)
    "l.surname_key = r.surname_key AND l.birth_year = r.birth_year",
    # records with no birth date: the unit and day of death, and given name
    "l.unit_key = r.unit_key AND l.event_lo = r.event_lo AND l.given_initial = r.given_initial",
)


@dataclass(frozen=True)
class TrainingBlock:
    name: str
    rule: str
    #: Input columns compared for equality (also used to count the block's pairs).
    columns: tuple[str, ...]
    #: Comparisons the block cannot train (their fields are fixed inside the block).
    excludes: frozenset[str]


def _block(name: str, columns: tuple[str, ...], excludes: set[str]) -> TrainingBlock:
    rule = " AND ".join(f"l.{c} = r.{c}" for c in columns)
    return TrainingBlock(name, rule, columns, frozenset(excludes))


#: In order of preference; a block is used only while it can train something new.
TRAINING_BLOCKS: tuple[TrainingBlock, ...] = (
    _block("birth day", ("birth_day",), {"birth_date"}),
    _block("unit and event day", ("unit_key", "event_lo"), {"unit", "event_date"}),
    _block(
        "full name",
        ("surname_key", "given_key", "patronymic_key"),
        {"surname", "given_name", "patronymic"},
    ),
    _block("surname and given name", ("surname_key", "given_key"), {"surname", "given_name"}),
    _block("home settlement and birth year", ("settlement", "birth_year"), {"place", "birth_date"}),
)
