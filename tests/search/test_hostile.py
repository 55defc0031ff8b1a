"""Hostile or broken queries give a clear result or a one-line InputError."""

from __future__ import annotations

import pytest

from unaccounted.errors import InputError
from unaccounted.search import MAX_QUERY, SearchIndex, search
from unaccounted.search.keys import clean_query


def test_sql_in_the_query_is_only_text(index: SearchIndex) -> None:
    # the words DROP, TABLE, records are no one's name here: nothing found, nothing run
    result = search(index, "'; DROP TABLE records; --")
    assert (result.hits, result.matched) == ([], 0)
    assert search(index, "Петров' OR '1'='1").hits[0].person_id == "A"


def test_control_characters_are_dropped(index: SearchIndex) -> None:
    assert clean_query("Петров\x00\x1b Сергей\u200b\n") == "Петров Сергей"
    assert [h.person_id for h in search(index, "Петров\x00\x07 Сергей").hits] == ["A", "B"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "x" * 10_000}, "the search query is 10000 characters; at most 200"),
        ({"text": "Петров " * 29}, "the search query is 202 characters; at most 200"),
        ({"text": " \x00\t "}, "the search query is empty"),
        ({"text": "12345 !!!"}, "has no name in it"),
        ({"text": "Петров", "born": "19x5"}, "born must be a year or YEAR-YEAR"),
        ({"text": "Петров", "born": "1990-1980"}, "born must be years between 1800 and 2100"),
        ({"text": "Петров", "status": "sleeping"}, "unknown status «sleeping»"),
        ({"text": "Петров", "unit": "!!!"}, "the unit «!!!» is not one the normalizer"),
        ({"text": "Петров", "region": "Atlantis"}, "the region «Atlantis» is not one"),
        ({"text": "Петров", "limit": 0}, "limit must be between 1 and 500, not 0"),
    ],
)
def test_bad_input_is_a_one_line_error(index: SearchIndex, kwargs: dict[str, object],
                                       message: str) -> None:  # fmt: skip
    text = str(kwargs.pop("text"))
    with pytest.raises(InputError, match=message) as err:
        search(index, text, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_the_limit_on_length_is_stated() -> None:
    # the error message above names it; the CLI's help shows the same number
    assert MAX_QUERY == 200
