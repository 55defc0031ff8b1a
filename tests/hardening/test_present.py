"""The two presentation rules: which URLs may be links, and text safe for a terminal."""

from __future__ import annotations

import pytest

from unaccounted.present import link_url, terminal_safe


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/list?id=1", "https://example.org/list?id=1"),
        ("HTTP://example.org", "HTTP://example.org"),  # schemes are case-insensitive
        ("  https://example.org  ", "https://example.org"),  # trimmed as a browser trims
        ("sources.html#a", "sources.html#a"),  # relative: stays inside the report
        ("//example.org/x", "//example.org/x"),  # scheme-relative: http(s) of the page
        ("data/persons.csv", "data/persons.csv"),
        ("a/b:c", "a/b:c"),  # a colon after the first slash is part of the path
    ],
)
def test_http_https_and_relative_urls_may_be_links(url: str, expected: str) -> None:
    assert link_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)",
        "JavaScript:alert(1)",
        # Browsers drop tabs and line breaks inside a URL and control characters and
        # spaces around it, so each of these would still run as javascript:.
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " \x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "mailto:someone@example.org",
        "a b:c",  # not a valid scheme, but a colon before any '/' is never a path here
        "",
        "   ",
        None,
    ],
)
def test_other_schemes_are_never_links(url: str | None) -> None:
    assert link_url(url) is None


def test_terminal_controls_are_shown_escaped() -> None:
    # ESC [5m (blink), ESC ]0;title BEL (window title), ESC [2J (clear screen), the
    # 8-bit CSI (U+009B), DEL and NUL: each becomes visible text, never a byte the
    # terminal acts on.
    hostile = "a\x1b[5mb\x1b]0;pwned\x07c\x1b[2J\x9b1m\x7f\x00"
    assert terminal_safe(hostile) == "a\\x1b[5mb\\x1b]0;pwned\\x07c\\x1b[2J\\x9b1m\\x7f\\x00"


def test_bidi_overrides_and_line_breaks_are_shown_escaped() -> None:
    # U+202E would show "Иванов‮cod.exe" reversed; U+2066..2069 isolate; U+2028 breaks a line.
    assert terminal_safe("Иванов\u202ecod.exe") == "Иванов\\u202ecod.exe"
    assert terminal_safe("x\u2066y\u2069\u2028z\n") == "x\\u2066y\\u2069\\u2028z\\x0a"


def test_printable_text_in_any_script_is_unchanged() -> None:
    text = "Иванов Иван Иванович — 102 ОМСБр; محمد; 李; tab-free [bold]"
    assert terminal_safe(text) == text
    assert terminal_safe(None) == ""
    assert terminal_safe(42) == "42"
