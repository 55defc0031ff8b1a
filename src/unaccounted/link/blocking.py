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

#: The given names may be one: the same canonical name, one of them missing, or a form
#: with several readings (Саша, Слава) on either side. Plain comparisons of columns, so
#: that the blocking join checks it cheaply (a list overlap would carry the lists through
#: the join).
GIVEN_FITS = (
    "(l.given_key = r.given_key OR l.given_key IS NULL OR r.given_key IS NULL"
    " OR l.given_ambiguous OR r.given_ambiguous)"
)

#: One side is a sparse record: neither a birth date (nor an age) nor a unit, as short
#: posts with a name and a home town and many foreign lists are. No rule on a birth year,
#: a unit or a birth day can find such a record, so three rules find it by its place.
#: Each is written twice, the sparse record on the left and on the right: a condition on
#: one side is applied before the join, so the join meets only the sparse records
#: (an OR of both sides would be applied after it, to every namesake pair of a region).
SPARSE_RULES: tuple[str, ...] = tuple(
    f"{side}.birth_lo IS NULL AND {side}.unit_key IS NULL AND {rule}"
    for rule in (
        # the name's sound and the region
        f"l.name_block = r.name_block AND l.region = r.region AND {GIVEN_FITS}",
        # the given name, the region and the surname's first three letters: a surname
        # mistyped or cut short at its end (Мотлах for Мотлахов)
        "l.given_key = r.given_key AND l.region = r.region"
        " AND substr(l.surname_key, 1, 3) = substr(r.surname_key, 1, 3)",
        # the given name, the home settlement and the surname's first two letters: a
        # surname mistyped in another sound (Хаилов)
        "l.given_key = r.given_key AND l.settlement = r.settlement"
        " AND substr(l.surname_key, 1, 2) = substr(r.surname_key, 1, 2)",
    )
    for side in ("l", "r")
)

#: Scored pairs: any one of these holds. The surname sound + given initial (``name_block``)
#: alone would compare every Иванов С. with every other (211 million pairs in a million
#: records), so it is always paired with one more field; the birth-day rules catch a
#: mangled surname. Rules on common values (a birth year, a home settlement, a birth day)
#: also need given names that fit: in a million records that halves the pairs scored
#: (14.2 million → 6.1 million) and drops 42 true pairs, most found again inside candidate
#: groups; namesakes with other given names (brothers, fathers and sons) are rarely
#: scored, and pairwise F1 rose by 0.0001. The event-day rule and the surname-sound +
#: birth-day rule keep different given names: they find true pairs with a mistyped one.
PREDICTION_RULES: tuple[str, ...] = (
    f"l.name_block = r.name_block AND l.birth_year_lo = r.birth_year_lo AND {GIVEN_FITS}",
    f"l.name_block = r.name_block AND l.birth_year_hi = r.birth_year_hi AND {GIVEN_FITS}",
    "l.name_block = r.name_block AND l.event_lo = r.event_lo",
    f"l.name_block = r.name_block AND l.unit_number = r.unit_number AND {GIVEN_FITS}",
    f"l.name_block = r.name_block AND l.settlement = r.settlement AND {GIVEN_FITS}",
    f"l.birth_day = r.birth_day AND l.given_initial = r.given_initial AND {GIVEN_FITS}",
    "l.surname_phonetic = r.surname_phonetic AND l.birth_day = r.birth_day",
    "l.unit_key = r.unit_key AND l.event_lo = r.event_lo AND l.given_initial = r.given_initial"
    f" AND {GIVEN_FITS}",
    *SPARSE_RULES,
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
