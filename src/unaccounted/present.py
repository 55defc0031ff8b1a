"""Showing untrusted text safely: one rule for links, one for the terminal.

Names, units, sources and URLs come from files nobody here controls. Two small pure
functions decide how such text may be shown, so that every page and command applies
the same rule:

- :func:`link_url` — the only URLs that become links are ``http``, ``https`` and
  relative ones; any other scheme (``javascript:``, ``data:``, ``file:``, ``vbscript:``,
  …) is refused, and the caller shows the text instead of a link. Browsers ignore tabs
  and line breaks inside a URL and spaces or control characters around it
  (``"java\\tscript:"`` runs), so the scheme is read after removing them, as a browser
  would.
- :func:`terminal_safe` — control characters (C0, DEL, C1) and the invisible
  characters that reorder or hide text (bidirectional overrides and isolates, line and
  paragraph separators) are shown as visible escapes: ESC as ``\\x1b``, U+202E as
  ``\\u202e``. A terminal then never runs an escape sequence found in the data (clear
  the screen, set the title, blink), and a right-to-left override cannot make a
  name read differently from what is stored.
"""

from __future__ import annotations

import re

#: URL schemes that may become a link.
LINK_SCHEMES = frozenset({"http", "https"})

#: Characters a browser drops anywhere in a URL (WHATWG URL: ASCII tab and newline).
_URL_DROPPED = re.compile("[\t\n\r]")
#: Characters a browser trims from both ends of a URL (C0 controls and space).
_URL_TRIMMED = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")

#: Invisible characters that change how the text around them is shown.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]",
)


def link_url(url: str | None) -> str | None:
    """``url`` cleaned as a browser would read it if it may be a link, else ``None``.

    Allowed: ``http:``, ``https:`` and relative URLs (no scheme, e.g. ``page.html`` or
    ``//host/path``). An empty URL is ``None``, and so is a protected one (it reads
    ``[protected]``, see docs/protection.md).
    """
    if url is None or url.startswith("[protected]"):
        return None
    cleaned = _URL_DROPPED.sub("", url).strip(_URL_TRIMMED)
    if not cleaned:
        return None
    match = _SCHEME.match(cleaned)
    if match is None:
        # No scheme before the first ':' — but "x/y:z" is a path, while a colon before
        # any '/', '?' or '#' would be read as a scheme by a browser ("a b:c" is not a
        # valid scheme yet some browsers guess); refuse such a URL rather than guess.
        head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
        return None if ":" in head else cleaned
    return cleaned if match.group(1).lower() in LINK_SCHEMES else None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: object) -> str:
    """``text`` with control and bidirectional characters shown as visible escapes.

    ``None`` is the empty string; other values are shown with ``str``. Printable text,
    in any script, is unchanged.
    """
    if text is None:
        return ""
    return _UNSAFE.sub(_escape, text if isinstance(text, str) else str(text))
