"""The interface's languages: message catalogues (``web/locales/*.json``), the choice in a
cookie, English where a message is missing."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources

#: The languages of the interface; the first is the fallback.
LANGUAGES = ("en", "ru")
COOKIE = "lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of ``lang`` (key → text)."""
    text = resources.files("unaccounted.web").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return {str(k): str(v) for k, v in data.items()}


def choose(cookie: str | None, accept: str | None) -> str:
    """The cookie's language, else the browser's first known one, else English."""
    if cookie in LANGUAGES:
        assert cookie is not None
        return cookie
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return LANGUAGES[0]


def translator(lang: str) -> Callable[..., str]:
    """``_(key, **values)``: the message in ``lang`` (else English, else the key)."""
    own, fallback = catalogue(lang), catalogue(LANGUAGES[0])

    def gettext(key: str, **values: object) -> str:
        text = own.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return gettext
