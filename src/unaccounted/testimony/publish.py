"""The published form of an account's text (docs/testimonies.md, "Publication").

Only public characters are published, as the runs (passages) they form. Inside them every
person's name is withheld — replaced by a marker such as ``[name withheld]`` — unless that
name has been cleared for publication in this account. The service says where the names
are (:class:`Span`: the people the extraction rules find, the stored person suggestions,
the names of the people involved in the account's incidents); this module adds quoted
speech, which it reads more strictly, and does the cutting.

- **Quoted speech** («…», „…“, “…”, "…"): every capitalised word inside quotes is withheld
  unless it opens a sentence and does not read as a name. A witness quoting someone
  names people casually — a first name, a nickname — and the rules miss such names.
- **Clearing** compares names folded (case, «ё», quotes, spacing and word order ignored),
  so ``Сомов Пётр`` clears «Петр Сомов»; a span is shown when any of its readings (as
  written, or the nominative the rules read) is cleared. Where spans overlap and one is not
  cleared, its characters are withheld.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: The marker of a withheld name, by the reader's language (English when not listed).
WITHHELD = {"en": "[name withheld]", "ru": "[имя скрыто]"}

_QUOTES = re.compile(r"«([^«»]*)»|„([^„“”]*)[“”]|“([^“”]*)”|\"([^\"]*)\"")
_CAPITAL = re.compile(r"(?<![\w-])[A-ZА-ЯЁ][\w'’-]*\.?")
_OPENER = re.compile(r"(?:\A|[.!?…:—–-])\s*\Z")


@dataclass(frozen=True)
class Span:
    """Characters ``[start, end)`` that name a person, with its readings as name keys."""

    start: int
    end: int
    keys: frozenset[str]


def withheld_marker(lang: str) -> str:
    return WITHHELD.get(lang, WITHHELD["en"])


def name_key(name: str) -> str:
    """A name folded for comparison: case, «ё», quotes, spacing and word order ignored."""
    text = name.casefold().replace("ё", "е")
    text = re.sub(r"[«»\"'„“”.,]", " ", text)
    return " ".join(sorted(text.split()))


def span(text: str, start: int, end: int, *readings: str | None) -> Span:
    """A span with its readings: the characters as written, and each reading given."""
    keys = {name_key(text[start:end])} | {name_key(r) for r in readings if r}
    return Span(start, end, frozenset(k for k in keys if k))


def quoted(text: str) -> list[tuple[int, int]]:
    """The insides ``[start, end)`` of quoted passages, in the order of the text."""
    out = []
    for m in _QUOTES.finditer(text):
        group = next(i for i in range(1, 5) if m.group(i) is not None)
        out.append((m.start(group), m.end(group)))
    return out


def capitalised_in(
    text: str, ranges: Iterable[tuple[int, int]], reads_as_name: Callable[[str], bool]
) -> list[Span]:
    """Every capitalised word inside ``ranges`` (quoted speech), except a word that opens a
    sentence and does not read as a name."""
    out = []
    for lo, hi in ranges:
        for m in _CAPITAL.finditer(text, lo, hi):
            word = m[0].rstrip(".") if len(m[0]) > 2 else m[0]
            if _OPENER.search(text[lo : m.start()]) and not reads_as_name(word):
                continue
            out.append(span(text, m.start(), m.start() + len(word)))
    return out


def word_stems(name: str) -> list[str]:
    """The words of a name cut to the stem its declined forms share («Сомов» → «Сомо»,
    matching «Сомова», «Сомову»); words shorter than three letters are left out."""
    stems = []
    for word in re.findall(r"[\w'’-]{3,}", name):
        keep = len(word) - 2 if len(word) >= 6 else len(word) - 1 if len(word) >= 4 else 3
        stems.append(word[:1].upper() + word[1:keep])
    return stems


def known_names(text: str, names: Iterable[str]) -> list[Span]:
    """Where the words of ``names`` (people known to be in the account) stand in the text,
    in any declined form; each word found reads as its word and as the whole name."""
    out = []
    for name in dict.fromkeys(n for n in names if n.strip()):
        for stem in word_stems(name):
            for m in re.finditer(rf"(?<![\w-]){re.escape(stem)}\w{{0,4}}(?![\w-])", text):
                out.append(span(text, m.start(), m.end(), name))
    return out


def published_passages(
    text: str, levels: list[str], spans: Iterable[Span], cleared: set[str], marker: str
) -> list[dict[str, object]]:
    """The public runs of ``text`` (``levels`` per character), each as ``start``, ``end``
    and its ``text`` with every name of ``spans`` not ``cleared`` (name keys) read as
    ``marker`` (a run of withheld characters once); ``withheld`` counts the markers."""
    hidden = bytearray(len(text))
    for s in spans:
        if not s.keys & cleared:
            hidden[s.start : s.end] = b"\x01" * (s.end - s.start)
    for m in re.finditer(rb"\x01(\x00+)\x01", bytes(hidden)):  # «Пётр Сомов»: one marker
        if not text[m.start(1) : m.end(1)].strip(" \t"):
            hidden[m.start(1) : m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
    out: list[dict[str, object]] = []
    i = 0
    while i < len(text):
        if levels[i] != "public":
            i += 1
            continue
        start = i
        parts: list[str] = []
        withheld = 0
        while i < len(text) and levels[i] == "public":
            if hidden[i]:
                parts.append(marker)
                withheld += 1
                while i < len(text) and levels[i] == "public" and hidden[i]:
                    i += 1
            else:
                parts.append(text[i])
                i += 1
        out.append({"start": start, "end": i, "text": "".join(parts), "withheld": withheld})
    return out
