"""The report's languages: one message catalogue per language (``report/locales/*.json``).

A message is trusted text (it may hold markup: ``<strong>``, links within the report);
its ``{placeholders}`` take values that are escaped unless they are markup already (a
``{% set %}`` block of a template, a number with its ``data-count`` span). Numbers, names,
units and sources are never translated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

from markupsafe import Markup

from unaccounted.errors import InputError

#: The report's languages, the default first.
LANGS = ("en", "ru")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of ``lang`` (one of :data:`LANGS`), by key."""
    if lang not in LANGS:
        raise InputError(f"the report has no language «{lang}»; use one of {', '.join(LANGS)}")
    text = files("unaccounted.report").joinpath("locales", f"{lang}.json").read_text("utf-8")
    messages: dict[str, str] = json.loads(text)
    return messages


def translator(lang: str) -> Callable[..., Markup]:
    """``_(key, **values)``: the message in ``lang`` with its placeholders filled."""
    messages = catalogue(lang)

    def translate(key: str, /, **values: Any) -> Markup:
        return Markup(messages[key]).format(**values) if values else Markup(messages[key])

    return translate
