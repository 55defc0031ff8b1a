"""Typo tolerance: keys within one (long keys: two) edits of a query key."""

from __future__ import annotations

import pytest

from unaccounted.search.typos import TypoIndex, edits


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [
        ("petrov", "petrov", 0),
        ("petrov", "petorv", 1),  # neighbours swapped
        ("petrov", "petrv", 1),  # a letter dropped
        ("petrov", "pettrov", 1),  # a letter doubled
        ("petrov", "pedrov", 1),  # a letter replaced
        ("vasilev", "vasev", 2),  # «Васиьев»: ь and и before a vowel leave the key
        ("petrov", "ivanov", 3),  # more than the limit of 2: limit + 1
    ],
)
def test_edits(a: str, b: str, n: int) -> None:
    assert edits(a, b) == n


def test_near_finds_keys_one_or_two_edits_away() -> None:
    index = TypoIndex(["petrov", "vasilev", "lev", "leva", None])
    # petrov is one swap away; vasilev two letters fewer than vassilevv (long: two allowed)
    assert index.near("petorv") == {0: 1}
    assert index.near("vassilevv") == {1: 2}
    # two letters missing from the query are not found here (the index keeps single
    # deletions only): search finds «Васиьев» by its written form's one missing letter
    assert index.near("vasev") == {}
    # three-letter keys are never a typo's target: «лав» is not «лев»; a three-letter query
    # may still be a four-letter key less a letter («олг» for «олег», here lev for leva)
    assert index.near("lav") == {}
    assert index.near("lev") == {3: 1}
    # a key is not near itself
    assert index.near("petrov") == {}


def test_short_keys_get_one_edit_only() -> None:
    index = TypoIndex(["popov", "pavlov"])
    # popov (5 letters) and papv: two edits, allowed only from six letters
    assert index.near("papv") == {}
    assert index.near("popv") == {0: 1}
