"""Sealing protected values as ingest reads them, before anything reaches the store.

A cell is sealed (``unaccounted/protect.py``) when its column is protected — its canonical
name or header is in ``[protection] columns`` or in the mapping's ``protected`` — or when
its row belongs to a confidential source and its column is not one of the columns linkage
needs (:data:`unaccounted.protect.LINKING_COLUMNS`). A cell that already looks sealed is
refused: a token from elsewhere must never pass for one of this workspace's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.errors import InputError
from unaccounted.protect import LINKING_COLUMNS, PREFIX, Keyring, looks_sealed
from unaccounted.store.types import Part, StageColumn


@dataclass
class Sealer:
    """Seals the protected cells of staged batches; the key is loaded on first need."""

    protected: frozenset[str]
    #: Sources whose rows are confidential (marked before, or by this ingest).
    confidential: set[str]
    load_key: Callable[[], Keyring]
    #: Every row is confidential (``ingest --confidential``), whatever its source.
    everything: bool = False
    sealed: int = 0
    _keyring: Keyring | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls, columns: Iterable[str], mapping_protected: Iterable[str],
        confidential: Iterable[str], load_key: Callable[[], Keyring],
    ) -> Sealer:  # fmt: skip
        names = {c.strip().casefold() for c in (*columns, *mapping_protected) if c.strip()}
        return cls(frozenset(names), set(confidential), load_key)

    @property
    def keyring(self) -> Keyring:
        if self._keyring is None:
            self._keyring = self.load_key()
        return self._keyring

    def seal(self, value: str) -> str:
        self.sealed += 1
        return self.keyring.seal(value)

    def always(self, col: StageColumn) -> bool:
        """Whether the column is protected in every source."""
        return (col.canonical or "").casefold() in self.protected or (
            col.header.strip().casefold() in self.protected
        )

    def when_confidential(self, col: StageColumn) -> bool:
        return col.canonical not in LINKING_COLUMNS

    def part_protects(self, part: Part) -> bool:
        """Whether any cell of this part may be sealed (its unreadable rows then are too)."""
        return (
            any(self.always(c) for c in part.columns)
            or self.everything
            or part.default_source in self.confidential
        )

    def with_sealed_defaults(self, part: Part) -> Part:
        """The part with the defaults of its protected columns sealed (a default fills
        cells in the store's scratch area, after this module has sealed the batch)."""
        confidential = self.everything or part.default_source in self.confidential
        columns = tuple(
            replace(c, default=self.seal(c.default))
            if c.default is not None
            and (self.always(c) or (confidential and self.when_confidential(c)))
            else c
            for c in part.columns
        )
        return replace(part, columns=columns)

    def seal_batch(self, part: Part, table: pa.Table, where: str) -> pa.Table:
        """The batch with its protected cells sealed; a cell that looks sealed is refused."""
        layout_cells = "cells" in table.column_names
        _refuse_tokens(part, table, layout_cells, where)
        always = [i for i, c in enumerate(part.columns) if c.in_file and self.always(c)]
        maybe = [
            i
            for i, c in enumerate(part.columns)
            if c.in_file and not self.always(c) and self.when_confidential(c)
        ]
        if not self.confidential and not self.everything:
            maybe = []
        if not always and not maybe:
            return table
        rows = _rows(part, table, layout_cells)
        source_index = next(
            (i for i, c in enumerate(part.columns) if c.canonical == "source" and c.in_file),
            None,
        )
        for row in rows:
            targets = always
            if maybe and self.everything:
                targets = always + maybe
            elif maybe:
                named = row[source_index] if source_index is not None else None
                source = (named or "").strip() or part.default_source
                if source in self.confidential:
                    targets = always + maybe
            for i in targets:
                value = row[i]
                if value is not None and value != "":
                    row[i] = self.seal(value)
        return _table(part, table, rows, layout_cells)

    def seal_raw(self, raw: object) -> object:
        """An unreadable row's raw cells, sealed whole (which cell is which is unknown)."""
        import json

        return self.seal(json.dumps(raw, ensure_ascii=False))


def _rows(part: Part, table: pa.Table, layout_cells: bool) -> list[list[str | None]]:
    width = sum(1 for c in part.columns if c.in_file)
    if layout_cells:
        rows: list[list[str | None]] = [
            list(r or []) + [None] * (width - len(r or []))
            for r in table.column("cells").to_pylist()
        ]
        return rows
    columns = [
        table.column(c.name).to_pylist() if c.name in table.column_names else [None] * len(table)
        for c in part.columns
        if c.in_file
    ]
    return [list(r) for r in zip(*columns, strict=True)] if columns else []


def _table(
    part: Part, table: pa.Table, rows: list[list[str | None]], layout_cells: bool
) -> pa.Table:
    if layout_cells:
        index = table.column_names.index("cells")
        return table.set_column(index, "cells", pa.array(rows, pa.list_(pa.string())))
    for i, c in enumerate(c for c in part.columns if c.in_file):
        if c.name in table.column_names:
            index = table.column_names.index(c.name)
            table = table.set_column(index, c.name, pa.array([r[i] for r in rows], pa.string()))
    return table


def _refuse_tokens(part: Part, table: pa.Table, layout_cells: bool, where: str) -> None:
    """Refuse a batch with a cell that already looks like a sealed value."""
    names = ["cells"] if layout_cells else [c.name for c in part.columns if c.in_file]
    for name in names:
        if name not in table.column_names:
            continue
        column = table.column(name)
        if layout_cells:
            column = pc.list_flatten(column)
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        found = pc.any(pc.starts_with(pc.utf8_ltrim_whitespace(column), PREFIX)).as_py()
        if found:
            header = (
                next((c.header for c in part.columns if c.name == name), "a column")
                if not layout_cells
                else _header_of(part, table)
            )
            raise InputError(
                f"{where}: column '{header}' holds a value that looks like a sealed value "
                f"({PREFIX}…); sealed values are never taken as input"
            )


def _header_of(part: Part, table: pa.Table) -> str:
    for row in table.column("cells").to_pylist():
        for i, value in enumerate(row or []):
            if looks_sealed(value):
                return part.columns[i].header
    return "a column"
