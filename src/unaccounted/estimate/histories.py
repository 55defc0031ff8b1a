"""Capture-history tables: reading, validating and the full 2^k cell vector.

A capture-history table has one 0/1 column per list (named ``in_<list>`` or the bare list
name) and a ``count`` column (``freq`` and ``n`` are accepted too): the number of people seen
on exactly that combination of lists. The all-zero row — the people no list saw — is what
multiple systems estimation estimates, so a table must not contain it.

Cells are numbered by bit mask: list ``j`` is bit ``j``, so cell ``0b101`` is "on lists 0
and 2 only" and cell 0 is the unseen. Every estimator in this package works on that
numbering.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from unaccounted.errors import InputError

log = logging.getLogger(__name__)

#: Header names accepted for the count column (case-insensitive), in order of preference.
COUNT_COLUMNS = ("count", "freq", "frequency", "n")
#: Above this many lists the full 2^k cell vector is not built (log-linear and dga refuse).
MAX_CELL_LISTS = 20

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CaptureHistories:
    """A validated capture-history table.

    ``patterns`` holds the distinct observed histories (one row per history, one 0/1 column
    per list) and ``counts`` how many people had each; rows with a zero count are dropped.
    """

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.uint8]
    counts: IntArray

    @property
    def k(self) -> int:
        """The number of lists."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """The number of people seen on at least one list."""
        return int(self.counts.sum())

    def cells(self) -> IntArray:
        """The counts of all 2^k cells by bit mask; cell 0 (the unseen) is 0."""
        if self.k > MAX_CELL_LISTS:
            raise InputError(
                f"{self.k} lists are too many for a full table (at most {MAX_CELL_LISTS})"
            )
        full = np.zeros(2**self.k, dtype=np.int64)
        np.add.at(full, pattern_index(self.patterns), self.counts)
        return full

    def list_totals(self) -> dict[str, int]:
        """How many people each list saw."""
        totals = self.counts @ self.patterns.astype(np.int64)
        return {name: int(t) for name, t in zip(self.lists, totals, strict=True)}


def overlapping(hist: CaptureHistories) -> bool:
    """True when someone is on two or more lists (without that, nothing measures the unseen)."""
    return bool((hist.patterns.sum(axis=1) >= 2).any())


#: A list this small can sit inside another by chance (10 people on a list that holds half
#: of everyone: 1 in 1,000); below it containment is not reported.
NESTED_MIN = 10


def nested_lists(hist: CaptureHistories) -> list[tuple[str, str]]:
    """Pairs (inner, outer) of lists where everyone on ``inner`` is also on ``outer``.

    Only lists of at least ``NESTED_MIN`` people are considered as ``inner``.
    """
    x = hist.patterns.astype(bool)
    out = []
    for a in range(hist.k):
        on_a = x[:, a]
        if hist.counts[on_a].sum() < NESTED_MIN:
            continue
        for b in range(hist.k):
            if a != b and not (on_a & ~x[:, b]).any():
                out.append((hist.lists[a], hist.lists[b]))
    return out


def pattern_index(patterns: npt.NDArray[np.uint8]) -> IntArray:
    """The bit-mask cell number of each history row."""
    weights = (1 << np.arange(patterns.shape[1], dtype=np.int64)).astype(np.int64)
    return np.asarray(patterns.astype(np.int64) @ weights, dtype=np.int64)


def from_cells(lists: Sequence[str], cells: npt.ArrayLike) -> CaptureHistories:
    """Build histories from a 2^k cell vector (cell 0 must be 0)."""
    full = np.asarray(cells, dtype=np.int64)
    k = len(lists)
    if full.shape != (2**k,):
        raise InputError(f"expected {2**k} cells for {k} lists, got {full.shape}")
    if full[0] != 0:
        raise InputError("cell 0 (seen by no list) must be 0")
    idx = np.flatnonzero(full > 0)
    patterns = ((idx[:, None] >> np.arange(k)) & 1).astype(np.uint8)
    return _validated(tuple(lists), patterns, full[idx])


def from_rows(
    lists: Sequence[str], rows: Iterable[Sequence[int]], counts: Iterable[int]
) -> CaptureHistories:
    """Build histories from explicit 0/1 rows and counts (for notebooks and tests)."""
    pattern_list = [list(r) for r in rows]
    count_list = list(counts)
    header = [*lists, "count"]
    table = [
        {h: str(v) for h, v in zip(header, [*r, c], strict=True)}
        for r, c in zip(pattern_list, count_list, strict=True)
    ]
    return parse_table(header, table, "table")


def read_histories(path: str | Path) -> CaptureHistories:
    """Read and validate a capture-history CSV file."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    return parse_table(header, rows, str(p))


def parse_table(
    header: Sequence[str], rows: Sequence[Mapping[str, str | None]], where: str
) -> CaptureHistories:
    """Validate a table given as a header and rows of raw strings."""
    if not header:
        raise InputError(f"{where}: empty table (no header)")
    lowered = {h.strip().lower(): h for h in header}
    count_col = next((lowered[c] for c in COUNT_COLUMNS if c in lowered), None)
    if count_col is None:
        raise InputError(f"{where}: no count column (expected one named 'count')")
    list_cols = [h for h in header if h != count_col]
    names = [_list_name(h) for h in list_cols]
    if len(names) < 2:
        raise InputError(
            f"{where}: {len(names)} list column(s); multiple systems estimation needs at least 2"
        )
    if len(set(names)) != len(names):
        raise InputError(f"{where}: list names repeat after removing 'in_': {', '.join(names)}")
    patterns = np.zeros((len(rows), len(names)), dtype=np.uint8)
    counts = np.zeros(len(rows), dtype=np.int64)
    for i, row in enumerate(rows):
        line = i + 2  # the header is line 1
        for j, col in enumerate(list_cols):
            raw = (row.get(col) or "").strip()
            if raw not in ("0", "1"):
                raise InputError(f"{where}: line {line}, column '{col}': {raw!r} is not 0 or 1")
            patterns[i, j] = int(raw)
        counts[i] = _count(row.get(count_col), where, line)
    return _validated(tuple(names), patterns, counts, where)


def _list_name(header: str) -> str:
    name = header.strip()
    return name[3:] if name.lower().startswith("in_") and len(name) > 3 else name


def _count(raw: str | None, where: str, line: int) -> int:
    text = (raw or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: line {line}: count {text!r} is not a number") from None
    if not np.isfinite(value) or value != int(value):
        raise InputError(f"{where}: line {line}: count {text!r} is not a whole number")
    if value < 0:
        raise InputError(f"{where}: line {line}: count {text!r} is negative")
    return int(value)


def _validated(
    lists: tuple[str, ...], patterns: npt.NDArray[np.uint8], counts: IntArray, where: str = "table"
) -> CaptureHistories:
    if patterns.shape[0] == 0:
        raise InputError(f"{where}: no rows")
    unseen = np.flatnonzero(patterns.sum(axis=1) == 0)
    if unseen.size:
        raise InputError(
            f"{where}: line {int(unseen[0]) + 2} has no list marked; the unseen are what is "
            "estimated, remove that row"
        )
    seen: dict[bytes, int] = {}
    for i, row in enumerate(patterns):
        key = row.tobytes()
        if key in seen:
            raise InputError(
                f"{where}: lines {seen[key] + 2} and {i + 2} repeat the same history; "
                "sum their counts into one row"
            )
        seen[key] = i
    if int(counts.sum()) == 0:
        raise InputError(f"{where}: all counts are zero")
    keep = counts > 0
    hist = CaptureHistories(lists, patterns[keep], counts[keep])
    empty = [name for name, t in hist.list_totals().items() if t == 0]
    if empty:
        raise InputError(f"{where}: list(s) {', '.join(empty)} saw nobody; drop them")
    log.debug("read %d histories on %d lists, %d people", len(hist.counts), hist.k, hist.observed)
    return hist
