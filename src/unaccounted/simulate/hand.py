"""The noise of hand-made lists (``sources[].hand``), added to a style's table.

Real lists typed by volunteers and relatives mistype names (transposed or doubled letters,
a word cut short, a space moved inside a word, initials only), know only the month or the
year of a date, and write ё as е in town names. ``add_hand_noise`` applies these to the
columns a style wrote, found by their canonical names, with a random stream of its own:
a source without ``hand`` is written exactly as before.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from unaccounted.simulate import forms
from unaccounted.simulate.config import HandConfig
from unaccounted.simulate.render import Objects, Render
from unaccounted.simulate.styles import Table
from unaccounted.simulate.world import stream

_NAME_COLUMNS = ("full_name", "surname")
_PLACE_COLUMNS = ("hometown", "event_place")


def _columns(table: Table) -> dict[str, int]:
    """Canonical column name → its position in the table."""
    return {table.mapping.get(h, h): i for i, h in enumerate(table.headers)}


def add_hand_noise(table: Table, r: Render, hand: HandConfig) -> Table:
    """``table`` with the name errors, partial dates and е-for-ё of ``hand``."""
    rng = stream(r.world.seed, f"hand:{r.recs.source.slug}")
    cols = _columns(table)
    out = list(table.columns)
    name_col = next((cols[c] for c in _NAME_COLUMNS if c in cols), None)
    if hand.errors and name_col is not None:
        out[name_col] = _name_errors(out[name_col], r.surname(), hand.errors, rng)
    for col, days in (("birth_date", r.birth()), ("event_date", r.event())):
        if hand.partial_dates and col in cols:
            out[cols[col]] = _partial_dates(out[cols[col]], days, hand.partial_dates, rng)
    for col in _PLACE_COLUMNS:
        if hand.no_yo_places and col in cols:
            out[cols[col]] = _no_yo(out[cols[col]], hand.no_yo_places, rng)
    return Table(table.headers, out, table.mapping)


def _name_errors(
    column: Objects, surnames: Objects, share: float, rng: np.random.Generator
) -> Objects:
    out = column.copy()
    chosen = rng.random(out.shape[0]) < share
    kinds = np.asarray(rng.integers(0, len(forms.HAND_ERRORS), out.shape[0]))
    for i in np.flatnonzero(chosen).tolist():
        kind = forms.HAND_ERRORS[int(kinds[i])]
        out[i] = forms.hand_error(str(out[i]), kind, str(surnames[i]), rng)
    return out


def _partial_dates(
    column: Objects, days: npt.NDArray[np.int64], share: float, rng: np.random.Generator
) -> Objects:
    out = column.copy()
    chosen = rng.random(out.shape[0]) < share
    year_only = np.asarray(rng.random(out.shape[0]) < 0.5)
    for i in np.flatnonzero(chosen).tolist():
        if out[i]:  # a date the style left out stays out
            d = int(days[i])
            out[i] = forms.year(d) if year_only[i] else forms.month_year_numeric(d)
    return out


def _no_yo(column: Objects, share: float, rng: np.random.Generator) -> Objects:
    out = column.copy()
    for i in np.flatnonzero(rng.random(out.shape[0]) < share).tolist():
        out[i] = forms.no_yo(str(out[i]))
    return out
