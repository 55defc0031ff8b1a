"""Reading the language pack's data files (``locales/ru/``) into plain tables.

Each reader returns rows as dicts of strings, cached: the files are small and read once
per process. The simulator never edits them; a user may add rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from functools import cache
from importlib import resources

LOCALE = "ru"


@cache
def read_table(name: str, locale: str = LOCALE) -> tuple[dict[str, str], ...]:
    """The rows of ``locales/<locale>/<name>.csv``."""
    path = resources.files("unaccounted") / "locales" / locale / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


@cache
def rare_surnames() -> tuple[str, ...]:
    """Masculine surnames of the ``russian-names`` package (MIT), its bundled list.

    They form the long tail of the surname distribution. Entries that are not a plain
    capitalised Cyrillic word (the list has a few stray control characters) are dropped.
    """
    data = (resources.files("russian_names") / "_data.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = archive.read("base.txt").decode("utf-8").split("\n")
    words = lines[4].split(" ")  # line 5: masculine surnames (see russian_names/names.py)
    return tuple(
        w
        for w in words
        if 3 <= len(w) <= 16 and w.isalpha() and w[0].isupper() and w[1:].islower()
        and all("а" <= c.lower() <= "я" or c.lower() == "ё" for c in w)
    )  # fmt: skip


@cache
def months() -> tuple[dict[str, str], ...]:
    return read_table("months")


@cache
def diminutives() -> dict[str, tuple[str, ...]]:
    """Given name → its everyday diminutive forms."""
    table: dict[str, list[str]] = {}
    for row in read_table("diminutives"):
        table.setdefault(row["name"], []).append(row["diminutive"])
    return {k: tuple(v) for k, v in table.items()}


@cache
def latin_given_names() -> dict[tuple[str, str], tuple[str, ...]]:
    """(given name, style) → Latin spellings no transliteration scheme produces."""
    table: dict[tuple[str, str], list[str]] = {}
    for row in read_table("given_names_latin"):
        table.setdefault((row["name"], row["style"]), []).append(row["latin"])
    return {k: tuple(v) for k, v in table.items()}
