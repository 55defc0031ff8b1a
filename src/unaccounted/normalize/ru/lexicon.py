"""The Russian pack's name dictionaries, built once from its data files.

- ``given_names_own.csv``: names that are full names in their own right though they look
  like another name's diminutive or case form (Макс, Гали, Парфен, Фарида): read as
  themselves first, the name they resemble after them.
- ``given_names_more.csv``: given names of the peoples of Russia and its neighbours and of
  foreign names written in Cyrillic (Саломе, Шалва, Айгерим, Хайди), with sex; used
  where no other list has the name's key, and never by the simulator.
- ``given_names.csv`` (canonical names with sex), ``diminutives.csv`` (Серёжа → Сергей;
  an ambiguous form such as Саша keeps every canonical name it can stand for, in file
  order), ``given_names_latin.csv`` (Alexander, Serhii, Oleksandr …) and
  ``given_name_variants.csv`` (more spellings and church/folk variants) are indexed by
  the script-independent key, so a Latin or Cyrillic spelling finds its canonical name.
- Every case form of every Cyrillic entry (made with petrovich) is indexed too, so
  «Сергея», «Серёжей» and «Саше» are recognised with their case.
- Patronymics of every male given name (regular rules plus
  ``patronymic_exceptions.csv``), by key, for Latin-script patronymics.
- Surnames of ``surnames.csv`` and the long list of the ``russian-names`` package, by
  key, to write a Latin surname back in Cyrillic (built on first use).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

from unaccounted.errors import InputError
from unaccounted.normalize.pack import PackData
from unaccounted.normalize.ru.morph import CASES, decline

_VOWELS = set("аеёиоуыэюя")


@dataclass
class GivenEntry:
    canonical: tuple[str, ...]  # best first
    sex: str | None  # m | f | None when candidates differ
    diminutive: bool


@dataclass
class Lexicon:
    data: PackData
    key: Callable[[str], str]
    sex_of: dict[str, str] = field(default_factory=dict)
    #: the names of ``given_names_more.csv`` that ``given_by_key`` took in, with their sex
    more_names: dict[str, str] = field(default_factory=dict)
    #: ``key`` of many words at once (the same keys, faster), for the long word lists
    batch_key: Callable[[list[str]], list[str]] | None = None

    @cached_property
    def given_by_key(self) -> dict[str, GivenEntry]:
        found: dict[str, list[tuple[str, bool]]] = {}

        def add(form: str, canonical: str, diminutive: bool) -> None:
            found.setdefault(self.key(form), []).append((canonical, diminutive))

        for row in self.data.table("given_names_own"):  # itself first, before what it resembles
            if row["sex"] not in ("m", "f") or not row["name"]:
                raise InputError(f"given_names_own.csv: a row needs a name and sex m or f: {row}")
            self.sex_of.setdefault(row["name"], row["sex"])
            add(row["name"], row["name"], False)
        for row in self.data.table("given_names"):
            self.sex_of.setdefault(row["name"], row["sex"])
            add(row["name"], row["name"], False)
        for row in self.data.table("given_name_variants"):
            self.sex_of.setdefault(row["name"], row["sex"])
            if self.key(row["name"]) not in found:
                add(row["name"], row["name"], False)
            add(row["variant"], row["name"], row["kind"] == "diminutive")
        for row in self.data.table("given_names_latin"):
            add(row["latin"], row["name"], False)
        for row in self.data.table("diminutives"):
            add(row["diminutive"], row["name"], True)
        listed = set(found)
        for row in self.data.table("given_names_more"):  # only keys no other list has
            if self.key(row["name"]) not in listed and row["name"] not in self.sex_of:
                self.sex_of[row["name"]] = self.more_names[row["name"]] = row["sex"]
                add(row["name"], row["name"], False)
        out: dict[str, GivenEntry] = {}
        for k, entries in found.items():
            exact = [c for c, d in entries if not d]
            names = tuple(dict.fromkeys(exact + [c for c, d in entries if d]))
            sexes = {self.sex_of.get(n) for n in names}
            sex = sexes.pop() if len(sexes) == 1 else None
            out[k] = GivenEntry(names, sex, not exact)
        return out

    @cached_property
    def given_forms(self) -> dict[str, list[tuple[str, str, str]]]:
        """Lower-case, ё-folded case form → every reading (nominative, case, sex) of it.

        The nominative reading comes first: «Александра» is a woman's name, or a man's
        in the genitive; the name's other parts decide (``RussianPack._agree``).
        """
        forms: dict[str, list[tuple[str, str, str]]] = {}
        words: dict[str, str] = {}
        self.given_by_key  # noqa: B018  (fills sex_of and more_names)
        for row in self.data.table("given_names_own"):
            words.setdefault(row["name"], row["sex"])
        for row in self.data.table("given_names"):
            words.setdefault(row["name"], row["sex"])
        for name, sex in self.more_names.items():
            words.setdefault(name, sex)
        for row in self.data.table("diminutives"):
            words.setdefault(row["diminutive"], self.sex_of.get(row["name"], "m"))
        for row in self.data.table("given_name_variants"):
            words.setdefault(row["name"], row["sex"])
            if _is_cyrillic(row["variant"]):
                words.setdefault(row["variant"], row["sex"])
        for word, sex in words.items():
            forms.setdefault(_fold(word), []).append((word, "nominative", sex))
        for word, sex in words.items():
            for case in CASES:
                reading = (word, case, sex)
                found = forms.setdefault(_fold(decline(word, "given", sex, case)), [])
                if reading not in found and not any(
                    r[0] == word and r[2] == sex and r[1] != "nominative" for r in found
                ):
                    found.append(reading)
        return forms

    @cached_property
    def patronymic_by_key(self) -> dict[str, tuple[str, str]]:
        """Script key → (Cyrillic patronymic, sex), for every male given name's patronymics."""
        exceptions = {r["name"]: (r["masculine"], r["feminine"])
                      for r in self.data.table("patronymic_exceptions")}  # fmt: skip
        out: dict[str, tuple[str, str]] = {}
        for row in self.data.table("given_names"):
            if row["sex"] != "m":
                continue
            for sex in ("m", "f"):
                p = patronymic(row["name"], sex, exceptions)
                out.setdefault(self.key(p), (p, sex))
        return out

    @cached_property
    def surname_by_key(self) -> dict[str, str]:
        words = [row["surname"] for row in self.data.table("surnames")] + _package_surnames()
        out: dict[str, str] = {}
        for k, word in zip(self.keys(words), words, strict=True):
            out.setdefault(k, word)
        return out

    def keys(self, words: list[str]) -> list[str]:
        """``key`` of each word (by ``batch_key`` when given)."""
        return self.batch_key(words) if self.batch_key else [self.key(w) for w in words]


def patronymic(father: str, sex: str, exceptions: dict[str, tuple[str, str]]) -> str:
    """The patronymic of a child of ``father`` (the rules of the literary language)."""
    feminine = sex == "f"
    if father in exceptions:
        return exceptions[father][1 if feminine else 0]
    stem = father.replace("ё", "е") if father.endswith("ётр") else father
    if stem.endswith("ий"):
        two_consonants = len(stem) >= 4 and not {stem[-3].lower(), stem[-4].lower()} & _VOWELS
        base = stem[:-2] + ("иев" if two_consonants else "ьев")
    elif stem[-1] in "йь":
        base = stem[:-1] + "ев"
    elif stem[-1] in "иеуо":
        base = stem + "ев"
    elif stem[-1] in "ая":
        return stem[:-1] + ("ична" if feminine else "ич")
    else:
        base = stem + "ов"
    return base + ("на" if feminine else "ич")


def _package_surnames() -> list[str]:
    """Masculine surnames bundled with ``russian-names`` (MIT; see SOURCES.md)."""
    data = (resources.files("russian_names") / "_data.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = archive.read("base.txt").decode("utf-8").split("\n")
    return [w for w in lines[4].split(" ") if 3 <= len(w) <= 16 and w.isalpha()
            and w[0].isupper() and _is_cyrillic(w)]  # fmt: skip


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _is_cyrillic(word: str) -> bool:
    return all("а" <= c <= "я" or c in "ёЁ-" or "А" <= c <= "Я" for c in word)
