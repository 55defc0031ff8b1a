"""What a page may link to: a URL from a source is shown as a link only when it is
http, https or relative (``javascript:``, ``data:`` and the like are shown as text)."""

from __future__ import annotations

from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https", "")


def link_url(url: object) -> str | None:
    """``url`` when it is safe to put in ``href``, else None."""
    if not isinstance(url, str) or not url.strip():
        return None
    text = url.strip()
    if any(ord(c) < 32 for c in text):
        return None  # a control character can hide a scheme from a browser
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme == "" and ":" in text.split("/", 1)[0]:
        return None  # "javascript&colon;"-like forms the parser does not call a scheme
    return text
