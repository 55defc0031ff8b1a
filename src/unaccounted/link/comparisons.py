"""The comparisons of the linkage model, as named classes that say what they compare.

Each comparison is a list of levels, most specific first, over the columns of the link
input (see ``store/linkage.py``: one row per record, ``_l``/``_r`` suffixes in a pair).
A level is a SQL condition in DuckDB's dialect with a label a reviewer can read; the
first level whose condition holds is the pair's level. Level 0 is always "not
comparable" (a value missing on either side), which Splink leaves out of the score.

The classes build plain Splink comparison dicts (:meth:`Comparison.splink_dict`), so
this module does not import Splink; the tests evaluate the levels with DuckDB alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    #: Column whose value frequency adjusts this level's weight ("Иванов" counts for less).
    tf_column: str | None = None
    is_null: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]
    #: Input columns the conditions read (without the ``_l``/``_r`` suffix).
    columns: tuple[str, ...] = field(default=())

    def splink_dict(self) -> dict[str, Any]:
        """The comparison as a Splink settings dict (untrained: no m/u)."""
        levels: list[dict[str, Any]] = []
        for level in self.levels:
            d: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.is_null:
                d["is_null_level"] = True
            if level.tf_column:
                d["tf_adjustment_column"] = level.tf_column
                d["tf_adjustment_weight"] = 1.0
            levels.append(d)
        return {
            "output_column_name": self.name,
            "comparison_description": self.description,
            "comparison_levels": levels,
        }

    def case_sql(self) -> str:
        """``CASE`` giving the level number of a pair; the last level is the else level."""
        whens = " ".join(f"WHEN {lv.sql} THEN {i}" for i, lv in enumerate(self.levels[:-1]))
        return f"CASE {whens} ELSE {len(self.levels) - 1} END"


def _either_null(*cols: str) -> str:
    """True when, on either side, every one of ``cols`` is missing."""
    left = " AND ".join(f'"{c}_l" IS NULL' for c in cols)
    right = " AND ".join(f'"{c}_r" IS NULL' for c in cols)
    return f"(({left}) OR ({right}))"


def _jw(col: str, at_least: float) -> str:
    return f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {at_least}'


def _else() -> Level:
    return Level("all other", "ELSE")


def SurnameComparison() -> Comparison:
    """Surname: same script-independent key (frequency-adjusted), same phonetic key (sex
    endings and transliteration folded), similar spelling, or different."""
    return Comparison(
        "surname",
        "surname: key, phonetic key, spelling",
        (
            Level("surname missing", _either_null("surname_key"), is_null=True),
            Level("same surname", '"surname_key_l" = "surname_key_r"', "surname_key"),
            Level("same surname sound", '"surname_phonetic_l" = "surname_phonetic_r"'),
            Level("surname spelled alike (JW ≥ 0.92)", _jw("surname_key", 0.92)),
            Level("surname somewhat alike (JW ≥ 0.84)", _jw("surname_key", 0.84)),
            _else(),
        ),
        ("surname_key", "surname_phonetic"),
    )


def GivenNameComparison() -> Comparison:
    """Given name: same canonical name (diminutives resolved, frequency-adjusted), a shared
    reading of an ambiguous form (Саша: Александр or Александра), an initial that fits a
    full name, similar spelling, or different."""
    return Comparison(
        "given_name",
        "given name: canonical key, readings, initial, spelling",
        (
            Level("given name missing", _either_null("given_initial"), is_null=True),
            Level("same given name", '"given_key_l" = "given_key_r"', "given_key"),
            Level(
                "given names share a reading",
                'list_has_any("given_candidates_l", "given_candidates_r")',
            ),
            Level(
                "initial fits the given name",
                '("given_key_l" IS NULL OR "given_key_r" IS NULL)'
                ' AND "given_initial_l" = "given_initial_r"',
            ),
            Level("given name spelled alike (JW ≥ 0.9)", _jw("given_key", 0.9)),
            _else(),
        ),
        ("given_key", "given_candidates", "given_initial"),
    )


def PatronymicComparison() -> Comparison:
    """Patronymic (often absent; sometimes only an initial): same, initial fits, similar,
    or different — different patronymics separate a father from his namesake son."""
    return Comparison(
        "patronymic",
        "patronymic: key, initial, spelling",
        (
            Level("patronymic missing", _either_null("patronymic_initial"), is_null=True),
            Level("same patronymic", '"patronymic_key_l" = "patronymic_key_r"'),
            Level(
                "initial fits the patronymic",
                '("patronymic_key_l" IS NULL OR "patronymic_key_r" IS NULL)'
                ' AND "patronymic_initial_l" = "patronymic_initial_r"',
            ),
            Level("patronymic spelled alike (JW ≥ 0.9)", _jw("patronymic_key", 0.9)),
            _else(),
        ),
        ("patronymic_key", "patronymic_initial"),
    )


def _day(side: str) -> str:
    return f"\"birth_precision_{side}\" = 'day'"


def BirthDateComparison() -> Comparison:
    """Birth date as an interval with its precision: the same day; day and month swapped
    or one part mistyped; a year-only (or month) date that contains the other; overlapping
    intervals (ages turned into birth intervals); within two years; or different."""
    both_days = f"{_day('l')} AND {_day('r')}"
    swapped = (
        f'{both_days} AND year("birth_lo_l") = year("birth_lo_r") AND '
        '(month("birth_lo_l") = day("birth_lo_r") AND day("birth_lo_l") = month("birth_lo_r")'
        ' OR month("birth_lo_l") = month("birth_lo_r")'
        ' OR day("birth_lo_l") = day("birth_lo_r"))'
        f' OR {both_days} AND month("birth_lo_l") = month("birth_lo_r")'
        ' AND day("birth_lo_l") = day("birth_lo_r")'
    )
    overlap = '"birth_lo_l" <= "birth_hi_r" AND "birth_lo_r" <= "birth_hi_l"'
    coarse = "('year', 'month')"
    return Comparison(
        "birth_date",
        "birth date: day, swap or typo, year-only, interval, distance",
        (
            Level("birth date missing", _either_null("birth_lo"), is_null=True),
            Level("same birth day", f'{both_days} AND "birth_lo_l" = "birth_lo_r"'),
            Level("birth day and month swapped or one part mistyped", swapped),
            Level(
                "birth year (or month) contains the other date",
                f'{overlap} AND ("birth_precision_l" IN {coarse}'
                f' OR "birth_precision_r" IN {coarse})',
            ),
            Level("birth intervals overlap (age-derived)", overlap),
            Level(
                "birth within two years",
                'abs(datediff(\'day\', "birth_lo_l", "birth_lo_r")) <= 730'
                ' OR abs(datediff(\'day\', "birth_hi_l", "birth_hi_r")) <= 730',
            ),
            _else(),
        ),
        ("birth_lo", "birth_hi", "birth_precision"),
    )


def EventDateComparison() -> Comparison:
    """Date of death or disappearance: the same day, overlapping or within three days,
    within a month, or different (sources often date the notice, not the death)."""
    return Comparison(
        "event_date",
        "event date: day, overlap, month",
        (
            Level("event date missing", _either_null("event_lo"), is_null=True),
            Level(
                "same event day",
                '"event_lo_l" = "event_lo_r" AND "event_hi_l" = "event_hi_r"'
                ' AND "event_lo_l" = "event_hi_l"',
            ),
            Level(
                "event dates overlap or within 3 days",
                '"event_lo_l" <= "event_hi_r" + 3 AND "event_lo_r" <= "event_hi_l" + 3',
            ),
            Level(
                "event dates within 31 days",
                '"event_lo_l" <= "event_hi_r" + 31 AND "event_lo_r" <= "event_hi_l" + 31',
            ),
            _else(),
        ),
        ("event_lo", "event_hi"),
    )


def UnitComparison() -> Comparison:
    """Military unit: the same unit, the same class and number written differently
    («омсбр» and «бригада»), the same number, or different. A field-post number
    (в/ч) and a named unit cannot be compared, so that pair counts as missing."""
    return Comparison(
        "unit",
        "unit: key, class and number, number",
        (
            Level(
                "unit missing or not comparable",
                f"{_either_null('unit_key', 'unit_class_key')}"
                ' OR ("unit_vch_l" IS NULL) <> ("unit_vch_r" IS NULL)',
                is_null=True,
            ),
            Level("same unit", '"unit_key_l" = "unit_key_r"', "unit_key"),
            Level("same unit class and number", '"unit_class_key_l" = "unit_class_key_r"'),
            Level("same unit number", '"unit_number_l" = "unit_number_r"'),
            _else(),
        ),
        ("unit_key", "unit_class_key", "unit_number", "unit_vch"),
    )


def PlaceComparison() -> Comparison:
    """Where the person came from: the same home settlement in the same region
    (frequency-adjusted within the region); the same settlement with one region unknown;
    the same region with two different home settlements (namesakes of one region: a
    person has one home); the same region, one settlement unknown; or different.
    Comparable when both sides give a region or both give a settlement."""
    comparable = (
        '("region_l" IS NOT NULL AND "region_r" IS NOT NULL'
        ' OR "settlement_l" IS NOT NULL AND "settlement_r" IS NOT NULL)'
    )
    return Comparison(
        "place",
        "home: settlement, region",
        (
            Level("home place missing", f"NOT {comparable}", is_null=True),
            # ``home`` is the settlement within its region («Заречье|RU-KO», added when the
            # input is loaded): the frequency of Заречье in one region, not in the country
            Level("same home settlement", '"home_l" = "home_r"', "home"),
            # «г. Гусиноозерск» whose region the lookup missed against «Гусиноозёрск, Бурятия»
            Level(
                "same home settlement, one region unknown",
                '"settlement_l" = "settlement_r" AND ("region_l" IS NULL OR "region_r" IS NULL)',
            ),
            Level(
                "same region, other home settlement",
                '"region_l" = "region_r" AND "settlement_l" IS NOT NULL'
                ' AND "settlement_r" IS NOT NULL',
            ),
            Level("same region", '"region_l" = "region_r"', "region"),
            _else(),
        ),
        ("region", "settlement"),  # and ``home``, made from them when the input is loaded
    )


def ExtraFieldComparison(column: str) -> Comparison:
    """Any other column a source carries (an identifier, an address): exact, alike, or
    different — extra evidence, frequency-adjusted."""
    return Comparison(
        column,
        f"extra column {column}: exact, spelling",
        (
            Level(f"{column} missing", _either_null(column), is_null=True),
            Level(f"same {column}", f'"{column}_l" = "{column}_r"', column),
            Level(f"{column} spelled alike (JW ≥ 0.9)", _jw(column, 0.9)),
            _else(),
        ),
        (column,),
    )


def standard_comparisons(extra_columns: tuple[str, ...] = ()) -> list[Comparison]:
    """The model's comparisons, in the order their levels are stored with each pair."""
    return [
        SurnameComparison(),
        GivenNameComparison(),
        PatronymicComparison(),
        BirthDateComparison(),
        EventDateComparison(),
        UnitComparison(),
        PlaceComparison(),
        *(ExtraFieldComparison(c) for c in extra_columns),
    ]
