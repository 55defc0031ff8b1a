"""Detect the text encoding of a source file: UTF-8 (with or without BOM), CP1251 or KOI8-R.

Russian lists often come as CP1251 (Windows exports) or KOI8-R (older Unix mail and web),
and both decode any byte string without error, so the choice between them is made by
which decoding reads like Russian: common letters, sensible letter case, no box-drawing
characters. UTF-8 is tried first and wins whenever the sample is valid UTF-8.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from pathlib import Path

from unaccounted.errors import InputError

#: The encodings we recognise, in the order tried.
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "cp1251", "koi8-r")

# Relative frequency (per mille) of Russian letters in running text; the usual table,
# rounded, as published in Russian frequency dictionaries (Lyashevskaya & Sharov 2009 corpus).
_FREQ = {
    "о": 109.7,
    "е": 84.5,
    "а": 80.1,
    "и": 73.5,
    "н": 67.0,
    "т": 62.6,
    "с": 54.7,
    "р": 47.3,
    "в": 45.4,
    "л": 44.0,
    "к": 34.9,
    "м": 32.1,
    "д": 29.8,
    "п": 28.1,
    "у": 26.2,
    "я": 20.1,
    "ы": 19.0,
    "ь": 17.4,
    "г": 17.0,
    "з": 16.5,
    "б": 15.9,
    "ч": 14.4,
    "й": 12.1,
    "х": 9.7,
    "ж": 9.4,
    "ш": 7.3,
    "ю": 6.4,
    "ц": 4.8,
    "щ": 3.6,
    "э": 3.2,
    "ф": 2.6,
    "ъ": 0.4,
    "ё": 0.4,
}
_LOG_FREQ = {ch: math.log(f / 1000) for ch, f in _FREQ.items()}
_RARE = math.log(0.0001)
_WORD = re.compile(r"[А-Яа-яЁё]+")


def _score(text: str) -> float:
    """Higher is more Russian-like: mean letter log-frequency, minus case and symbol noise."""
    letters = [ch.lower() for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return -math.inf
    mean = sum(_LOG_FREQ.get(ch, _RARE) for ch in letters) / len(letters)
    words = _WORD.findall(text)
    # A lower-case letter followed by an upper-case one inside a word ("иВАНОВ") is what a
    # CP1251 file looks like read as KOI8-R and vice versa (the two swap letter case).
    flipped = sum(1 for w in words if re.search(r"[а-яё][А-ЯЁ]", w)) / max(len(words), 1)
    odd = sum(
        1
        for ch in text
        if unicodedata.category(ch) in ("So", "Co", "Cn", "Cc") and ch not in "\r\n\t"
    ) / max(len(text), 1)
    return mean - 4.0 * flipped - 20.0 * odd


def detect_encoding(sample: bytes) -> str:
    """The most likely encoding of a file that starts with ``sample``."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    scores = {enc: _score(sample.decode(enc, errors="replace")) for enc in ("cp1251", "koi8-r")}
    return max(scores, key=lambda enc: scores[enc])


def normalize_encoding_name(name: str) -> str:
    """Canonical Python codec name, or ValueError for an unknown encoding."""
    return codecs.lookup(name).name


def locate_decode_error(path: Path, encoding: str) -> tuple[int, int] | None:
    """``(line, byte offset)`` of the first byte of ``path`` that ``encoding`` cannot decode.

    Only called after a decode error, to name the line precisely: text streams decode in
    blocks, so the line being parsed when the error surfaces is not the bad one.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    lines = 1
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                bad = exc.start
                # The decoder may hold back a few bytes of an unfinished character.
                held = len(decoder.getstate()[0]) if hasattr(decoder, "getstate") else 0
                position = max(offset + bad - held, 0)
                with path.open("rb") as again:
                    head = again.read(position)
                return head.count(b"\n") + 1, position
            lines += block.count(b"\n")
            offset += len(block)
    return None


def decode_error(path: Path, encoding: str) -> InputError:
    """The one-line error for a file that is not in ``encoding``, naming the line."""
    found = locate_decode_error(path, encoding)
    where = f" at line {found[0]} (byte {found[1]})" if found else ""
    return InputError(
        f"{path}: not readable as {encoding}{where}; pass --encoding (utf-8, cp1251, koi8-r, ...)"
    )
