"""What a testimony must be to be taken in, and what a reader is shown of it.

A testimony's text is the UTF-8 of its original, kept unmodified; its passages are
character ranges ``[start, end)`` of that text. Each passage mark sets a level, and a
later mark decides the level of the characters it covers; characters no mark covers have
the testimony's own level. Only ``public`` characters are shown unless the reader may and
asks to see the others; each run of withheld characters reads ``[protected]``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from unaccounted.errors import InputError

KINDS: tuple[str, ...] = ("interview", "written_statement", "media_report", "court_document",
                          "form_submission")  # fmt: skip
LEVELS: tuple[str, ...] = ("public", "restricted", "confidential")
#: The level a testimony gets when intake names none: what a witness said in person or
#: through a form is confidential (sealed at rest), a published report public.
DEFAULT_LEVEL = {"interview": "confidential", "form_submission": "confidential",
                 "written_statement": "restricted", "court_document": "restricted",
                 "media_report": "public"}  # fmt: skip
#: The source kind (of the grading rules) each testimony kind counts as.
SOURCE_KIND = {"interview": "testimony", "written_statement": "testimony",
               "form_submission": "testimony", "media_report": "news",
               "court_document": "court"}  # fmt: skip
ROLES: tuple[str, ...] = ("victim", "perpetrator", "witness", "commanding_unit",
                          "complaint_official")  # fmt: skip
#: Involvement roles whose separate actor's name is sealed at rest.
SEALED_ROLES = ("victim", "witness")
#: The largest original taken in (bytes).
MAX_BYTES = 10 * 1024 * 1024
#: The longest source, witness name, actor name or label (characters).
MAX_FIELD = 300
REDACTED = "[protected]"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DATE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_WITNESS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def choice(value: str, options: Iterable[str], what: str) -> str:
    """``value`` (any case, ``-`` or space for ``_``) as one of ``options``."""
    code = re.sub(r"[\s\-]+", "_", value.strip().lower())
    options = tuple(options)
    if code not in options:
        raise InputError(
            f"unknown {what} '{clean_line(value)}'; choose one of {', '.join(options)}"
        )
    return code


def clean_line(value: str, limit: int = 60) -> str:
    """``value`` safe to quote in a one-line message."""
    shown = _CONTROL.sub("?", value.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def field(value: str | None, what: str, *, required: bool = False) -> str | None:
    """A one-line value (source, name, label): stripped, no control characters, not too
    long; empty is None (refused when ``required``)."""
    text = (value or "").strip()
    if not text:
        if required:
            raise InputError(f"{what} is empty")
        return None
    if _CONTROL.search(text) or "\n" in text or "\r" in text or "\t" in text:
        raise InputError(f"{what} has control characters or line breaks")
    if len(text) > MAX_FIELD:
        raise InputError(f"{what} is longer than {MAX_FIELD} characters")
    return unicodedata.normalize("NFC", text)


def original_text(data: bytes, name: str) -> str:
    """The text of an original: refused (one line) when empty, too large, not UTF-8, or
    holding control characters other than tabs and line breaks."""
    if not data:
        raise InputError(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{name} is {len(data):,} bytes; a testimony may be at most {MAX_BYTES:,} bytes"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (byte {exc.start:,})") from None
    bad = _CONTROL.search(text)
    if bad:
        raise InputError(
            f"{name} holds a control character (U+{ord(bad.group(0)):04X}) at character "
            f"{bad.start():,}; a testimony is text"
        )
    return text


def partial_date(text: str | None, what: str) -> tuple[str | None, dt.date | None, dt.date | None]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as ``(text, first day, last day)``."""
    value = (text or "").strip()
    if not value:
        return None, None, None
    m = _DATE.match(value)
    try:
        if not m:
            raise ValueError
        year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
        if not month:
            return value, dt.date(year, 1, 1), dt.date(year, 12, 31)
        if not day:
            last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            return value, dt.date(year, month, 1), last
        exact = dt.date(year, month, day)
        return value, exact, exact
    except ValueError:
        raise InputError(
            f"{what} '{clean_line(value)}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None


def passage_range(text: str, chars: int, what: str = "passage") -> tuple[int, int]:
    """``START:END`` (characters, END excluded) inside a text of ``chars`` characters."""
    m = re.fullmatch(r"\s*(\d{1,12})\s*:\s*(\d{1,12})\s*", text)
    if not m:
        raise InputError(f"{what} '{clean_line(text)}' is not START:END (characters)")
    start, end = int(m[1]), int(m[2])
    if not start < end <= chars:
        raise InputError(
            f"{what} {start}:{end} is not a range inside the text (0:{chars}, END excluded)"
        )
    return start, end


def levels_of(chars: int, level: str, marks: Iterable[Mapping[str, Any]]) -> list[str]:
    """The level of every character: the testimony's, then each mark in order."""
    out = [level] * chars
    for mark in marks:
        start, end = int(mark["start"]), min(int(mark["end"]), chars)
        out[start:end] = [str(mark["level"])] * (end - start)
    return out


def shown_text(text: str, levels: list[str]) -> str:
    """``text`` with each run of characters that are not public read as ``[protected]``."""
    parts: list[str] = []
    hidden = False
    for char, level in zip(text, levels, strict=True):
        if level == "public":
            parts.append(char)
            hidden = False
        elif not hidden:
            parts.append(REDACTED)
            hidden = True
    return "".join(parts)


def new_witness_id(taken: set[str]) -> str:
    """A random pseudonymous witness id like ``W-7F3K2`` that no witness has yet."""
    while True:
        made = "W-" + "".join(secrets.choice(_WITNESS_ALPHABET) for _ in range(5))
        if made not in taken:
            return made


def place_key(name: str) -> str:
    """A place name or alias folded for lookup: case, «ё», quotes and spacing ignored."""
    text = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    text = re.sub(r"[«»\"'„“”]", "", text)
    return " ".join(text.split())
