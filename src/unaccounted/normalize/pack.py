"""Language packs: the data and the few language-specific functions the normalizer needs.

The core (dates, statuses, units, regions, the stage) is language-neutral: it reads word
lists from a pack's data files and calls the pack for what cannot be a table (parsing a
name, a script-independent key). A pack is a folder of CSV files under
``unaccounted/locales/<code>/`` plus a :class:`LanguagePack` subclass registered in
:data:`PACKS`. A workspace may add rows to any of the pack's tables from its own folder
(setting ``normalize.pack_dir``); the added rows count in the pack's digest, so adding a
unit alias makes ``unaccounted normalize`` redo the records it could change.

To add a second pack (say ``uk``): put its data files under ``locales/uk/`` with the
same headers, write ``normalize/uk/__init__.py`` with a ``LanguagePack`` subclass, and add
one line to :data:`PACKS`. Nothing in the core changes.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError, WorkspaceError
from unaccounted.normalize.model import ParsedName, name_values

#: Pack code → "module:Class" of its adapter. The only list a new pack is added to.
PACKS: dict[str, str] = {"ru": "unaccounted.normalize.ru:RussianPack"}

Row = dict[str, str]


@dataclass
class PackData:
    """The tables of one pack: shipped files plus a workspace's additions, read once."""

    code: str
    extra_dir: Path | None = None
    _cache: dict[str, tuple[Row, ...]] = field(default_factory=dict, repr=False)

    def _shipped(self, name: str) -> str | None:
        path = resources.files("unaccounted") / "locales" / self.code / f"{name}.csv"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def _added(self, name: str) -> str | None:
        if self.extra_dir is None:
            return None
        path = self.extra_dir / f"{name}.csv"
        try:
            return path.read_text(encoding="utf-8-sig") if path.is_file() else None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the language-pack addition {path}: {exc}") from exc

    def table(self, name: str) -> tuple[Row, ...]:
        """Rows of ``<name>.csv``: the shipped file's, then the workspace's added rows."""
        if name not in self._cache:
            rows: list[Row] = []
            for where, text in (("shipped", self._shipped(name)), ("added", self._added(name))):
                if text is None:
                    continue
                reader = csv.DictReader(io.StringIO(text))
                for row in reader:
                    if None in row:
                        raise InputError(f"{name}.csv ({where}): a row has too many cells: {row}")
                    rows.append({k: (v or "").strip() for k, v in row.items()})
            self._cache[name] = tuple(rows)
        return self._cache[name]

    def digest(self, names: tuple[str, ...]) -> str:
        """A short hash of the named tables' content; changes when any row changes."""
        h = hashlib.sha256()
        for name in names:
            for text in (self._shipped(name), self._added(name)):
                h.update((text or "").encode("utf-8"))
                h.update(b"\x00")
        return h.hexdigest()[:12]


class LanguagePack(ABC):
    """What the core asks of a language. Subclasses hold no state but their data."""

    code: str = ""
    #: The data files the pack reads; they make up its digest.
    tables: tuple[str, ...] = ()
    #: Bumped when the adapter's rules change, so normalized records are redone.
    rules_version: int = 1

    def __init__(self, data: PackData) -> None:
        self.data = data

    @cached_property
    def digest(self) -> str:
        return f"{self.code}{self.rules_version}-{self.data.digest(self.tables)}"

    @abstractmethod
    def parse_name(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
        hint: str | None = None,
    ) -> ParsedName:
        """Name parts, canonical forms and keys from whatever name fields a record has.

        ``hint`` says how the record's source usually writes names: ``"oblique"`` when
        most of its names are in a case other than the nominative (obituaries), so an
        ambiguous form («Александра Котова») is read in that case.
        """

    def name_values(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
        hint: str | None = None,
    ) -> tuple[Any, ...]:
        """The record's name fields (``model.NAME_FIELDS``), without the rules.

        Exactly ``model.name_values`` of :meth:`parse_name`; a pack may override it with a
        faster path that gives the same values (the normalize stage calls it per record).
        """
        parsed = self.parse_name(full_name, surname, given_name, patronymic, sex, hint)
        return name_values(parsed, self.script_key, self.phonetic_key)

    def clear_caches(self) -> None:
        """Forget every cached result (benchmarks measure the uncached cost with it)."""
        return  # a pack without caches has nothing to forget

    @abstractmethod
    def script_key(self, text: str) -> str:
        """A key equal for the same name in any script or transliteration."""

    @abstractmethod
    def phonetic_key(self, text: str) -> str:
        """A coarser sound key, for blocking."""


def load_pack(code: str, extra_dir: Path | None = None) -> LanguagePack:
    """The pack for ``code`` with a workspace's additions; one-line error if unknown."""
    target = PACKS.get(code)
    if target is None:
        known = ", ".join(sorted(PACKS))
        raise WorkspaceError(
            f"unknown language pack '{code}' (setting normalize.locale); known: {known}"
        )
    if extra_dir is not None and not extra_dir.is_dir():
        raise WorkspaceError(
            f"the language-pack folder {extra_dir} (setting normalize.pack_dir) does not exist"
        )
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    pack = cls(PackData(code, extra_dir))
    assert isinstance(pack, LanguagePack)
    return pack
