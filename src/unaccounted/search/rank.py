"""Candidate records of one query reading, each scored with how every name part matched.

A reading with a surname fetches the records whose surname key is the reading's, one
typo from it by key or as spelled, or its other sex's form (Петров/Петрова); a reading
without one fetches the records of its given name. Each candidate's surname, given name
and patronymic then get a match kind (:data:`KINDS`), and its score is the weighted sum of
the kinds' values, each part's weight times the rarity of the query's word
(:func:`weights`). Everything is computed on arrays, a reading at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unaccounted.search.index import SearchIndex, spelling
from unaccounted.search.keys import Part, Reading

#: Match kinds of a name part and their value (times the part's weight).
NONE, EXACT, OTHER, TYPO, TYPO2, SEX, INITIAL, DIFFERS = range(8)
KINDS: dict[int, tuple[float, str]] = {
    NONE: (0.0, "not compared"), EXACT: (1.0, "exact"), OTHER: (0.85, "another reading"),
    TYPO: (0.7, "one typo"), TYPO2: (0.55, "a typo: two letters of the key differ"),
    SEX: (0.7, "the other sex's form"), INITIAL: (0.45, "initial"), DIFFERS: (-0.6, "differs"),
}  # fmt: skip
_VALUE = np.array([KINDS[k][0] for k in range(len(KINDS))])
#: Weights of the surname, the given name and the patronymic.
WEIGHTS = (10.0, 5.0, 3.0)
#: How far a query word's rarity moves its part's weight: a word no record has weighs
#: (1 + IDF_SPREAD / 2) times the part's weight, a word every record has (1 - IDF_SPREAD / 2)
#: times. «Хабибуллин» found exactly is stronger evidence than
#: «Иванов» found exactly, against the other parts that differ.
IDF_SPREAD = 0.4
_FEMININE = (("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("ska", "ski"), ("tka", "tki"))


@dataclass
class Scored:
    """Candidate records of a reading: record numbers, kinds per part, scores."""

    records: np.ndarray
    surname: np.ndarray
    given: np.ndarray
    patronymic: np.ndarray
    scores: np.ndarray


def best_possible(index: SearchIndex, reading: Reading) -> float:
    """The score of a record that matches every part of the reading exactly."""
    ws, wg, wp = weights(index, reading)
    given = reading.given or reading.given_initial
    patronymic = reading.patronymic or reading.patronymic_initial
    return reading.prior + ws * bool(reading.surname) + wg * bool(given) + wp * bool(patronymic)


def weights(index: SearchIndex, reading: Reading) -> tuple[float, float, float]:
    """:data:`WEIGHTS`, each times the rarity of the reading's word for that part (IDF).

    Rarity is ``log((n + 1) / (df + 1)) / log(n + 1)`` over the index's n records, df the
    records whose part has the word's key (0 when none has: a typo or an unknown name is
    as rare as can be). An initial is not weighed: its part keeps the plain weight.
    """
    ws, wg, wp = WEIGHTS
    s, g, p = reading.surname, reading.given, reading.patronymic
    return (
        ws * _rarity(index, index.surname_df, index.surname.code(s.key) if s else None),
        wg * _rarity(index, index.given_df, index.given_lookup.get(g[0].key, -2) if g else None),
        wp * _rarity(index, index.patronymic_df, index.patronymic.code(p.key) if p else None),
    )


def _rarity(index: SearchIndex, df: np.ndarray, code: int | None) -> float:
    if code is None:
        return 1.0
    n = max(index.size, 1)
    count = int(df[code]) if 0 <= code < len(df) else 0
    idf = float(np.log((n + 1) / (count + 1)) / np.log(n + 1))
    return 1.0 + IDF_SPREAD * (idf - 0.5)


def score_reading(index: SearchIndex, reading: Reading,
                  seen: dict[str, tuple[np.ndarray, np.ndarray]]) -> Scored | None:  # fmt: skip
    """The reading's candidate records with their match kinds and scores (None: none).

    ``seen`` keeps each surname's candidates for the other readings of the same query.
    """
    if reading.surname is not None:
        key = f"{reading.surname.key}\x00{reading.surname.value}"
        if key not in seen:
            seen[key] = _surname_candidates(index, reading.surname)
        records, s_kind = seen[key]
    elif reading.given:
        records = _given_candidates(index, reading.given)
        s_kind = np.full(len(records), NONE, dtype=np.int8)
    else:
        return None
    if len(records) == 0:
        return None
    g_kind = _given_kinds(index, reading, records)
    p_kind = _patronymic_kinds(index, reading, records)
    ws, wg, wp = weights(index, reading)
    scores = ws * _VALUE[s_kind] + wg * _VALUE[g_kind] + wp * _VALUE[p_kind] + reading.prior
    return Scored(records, s_kind, g_kind, p_kind, scores)


def _surname_candidates(index: SearchIndex, part: Part) -> tuple[np.ndarray, np.ndarray]:
    codes: dict[int, int] = {}
    exact = index.surname.code(part.key)
    if exact >= 0:
        codes[exact] = EXACT
    edits = dict(index.surname_typos.near(part.key))  # by key: a Latin «Kusmin» is kusmin
    for text, n in index.spelling_typos.near(spelling(part.value)).items():
        for code in index.keys_of_spelling.get(text, ()):
            edits[code] = min(n, edits.get(code, n))
    for code, n in sorted(edits.items()):
        codes.setdefault(code, TYPO if n == 1 else TYPO2)
    for other in _other_sex(part.key):
        code = index.surname.code(other)
        if code >= 0:
            codes.setdefault(code, SEX)
    order, start = index.by_surname
    chunks = [order[start[c] : start[c + 1]] for c in codes]
    kinds = [np.full(start[c + 1] - start[c], k, dtype=np.int8) for c, k in codes.items()]
    if not chunks:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int8)
    return np.concatenate(chunks), np.concatenate(kinds)


def _other_sex(key: str) -> list[str]:
    """The surname key of the other sex's form (petrov ↔ petrova, -ski ↔ -ska)."""
    for fem, masc in _FEMININE:
        if key.endswith(fem) and len(key) > len(fem) + 1:
            return [key[: -len(fem)] + masc]
        if key.endswith(masc) and len(key) > len(masc) + 1:
            return [key[: -len(masc)] + fem]
    return []


def _given_candidates(index: SearchIndex, given: tuple[Part, ...]) -> np.ndarray:
    chunks = []
    for code in {index.given_lookup.get(p.key, -2) for p in given} - {-2}:
        for order, start in (index.by_given, index.by_given2):
            chunks.append(order[start[code] : start[code + 1]])
    # a record under both its candidates appears twice: harmless, persons keep their best
    return np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int32)


def _given_kinds(index: SearchIndex, reading: Reading, records: np.ndarray) -> np.ndarray:
    g1, g2 = index.given1[records], index.given2[records]
    gi = index.given_initial.codes[records]
    if reading.given:
        exact = [index.given_lookup.get(p.key, -2) for p in reading.given]
        typo = _given_typos(index, reading.given[0])
        initial = index.given_initial.code(reading.given[0].value[:1].upper())
        return _kinds(g1, g2, gi, exact, typo, initial)
    if reading.given_initial:
        return _initial_kinds(gi, index.given_initial.code(reading.given_initial))
    return np.full(len(records), NONE, dtype=np.int8)


def _given_typos(index: SearchIndex, given: Part) -> dict[int, int]:
    """Given-name codes a typo away from the query's given name, by script key or by
    spelling, whichever is closer: the key folds letters (an «и» before a vowel goes,
    «Владиуир» → vladuir, two edits from vladimir, which the deletion tables miss) and
    is too short for typos in short names («Иавн» → avn); the spelling is one edit away."""
    return _closest(index.given_typos.near(given.key),
                    index.given_spelling_typos.near(spelling(given.value)))  # fmt: skip


def _closest(*found: dict[int, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for near in found:
        for code, n in near.items():
            out[code] = min(n, out.get(code, n))
    return out


def _patronymic_kinds(index: SearchIndex, reading: Reading, records: np.ndarray) -> np.ndarray:
    pk = index.patronymic.codes[records]
    pi = index.patronymic_initial.codes[records]
    if reading.patronymic:
        exact = [index.patronymic.code(reading.patronymic.key)]
        typo = _closest(
            index.patronymic_typos.near(reading.patronymic.key),
            index.patronymic_spelling_typos.near(spelling(reading.patronymic.value)),
        )
        initial = index.patronymic_initial.code(reading.patronymic.value[:1].upper())
        none = np.full(len(records), -1, dtype=np.int32)
        return _kinds(pk, none, pi, exact, typo, initial)
    if reading.patronymic_initial:
        return _initial_kinds(pi, index.patronymic_initial.code(reading.patronymic_initial))
    return np.full(len(records), NONE, dtype=np.int8)


def _kinds(first: np.ndarray, second: np.ndarray, initials: np.ndarray, exact: list[int],
           typo: dict[int, int], initial: int) -> np.ndarray:  # fmt: skip
    """A full name part against the records': exact, another candidate, one typo, only an
    initial that agrees, nothing to compare, or different."""
    has = first >= 0
    out = np.where(has, DIFFERS, np.where(initials < 0, NONE, DIFFERS)).astype(np.int8)
    out[~has & (initials == initial)] = INITIAL
    if typo:
        out[np.isin(first, [c for c, n in typo.items() if n == 2])] = TYPO2
        out[np.isin(first, [c for c, n in typo.items() if n == 1])] = TYPO
    out[np.isin(second, exact)] = OTHER
    out[np.isin(first, exact[1:])] = OTHER
    out[first == exact[0]] = EXACT
    return out


def _initial_kinds(initials: np.ndarray, initial: int) -> np.ndarray:
    out = np.where(initials < 0, NONE, DIFFERS).astype(np.int8)
    out[initials == initial] = INITIAL
    return out
