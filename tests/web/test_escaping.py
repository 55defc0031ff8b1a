"""Every page shows what sources wrote as text: script, image and ``javascript:`` payloads
in every field of a hostile source (tests/web/conftest.py) render inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import HOSTILE_SOURCE, IMAGE, PAYLOADS, SCRIPT, World
from unaccounted.present import link_url
from unaccounted.service import Session

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build


def hostile_person(world: World) -> str:
    with Session.open(world.ws, "t", read_only=True) as s:
        found = s.store.person_of(HOSTILE_SOURCE, "x1")
    assert found is not None
    return found


class Elements(HTMLParser):
    """Every element a browser would build from the page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html
    parser = Elements()
    parser.feed(html)
    # the page's own script only; no image; no event handler; no javascript: link
    assert [a.get("src") for t, a in parser.found if t == "script"] == ["/static/app.js"]
    assert not [a for t, a in parser.found if t == "img"]
    assert not [(t, a) for t, a in parser.found if any(k.startswith("on") for k in a)]
    hrefs = [a.get("href") or "" for _, a in parser.found if "href" in a]
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]


def test_the_person_page_shows_hostile_values_as_text(reader: TestClient, world: World) -> None:
    html = reader.get(f"/person/{hostile_person(world)}").text
    assert_inert(html)
    # shown, escaped: the values are there for the reader to see
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=" in html
    # url is a protected column (docs/protection.md): the claim's URL reads [protected],
    # as text, never as a link
    assert '<span class="url">[protected]</span>' in html
    assert "javascript:alert(document.cookie)" not in html


@pytest.mark.parametrize(
    "page",
    [
        "/sources",
        "/concealment",
        "/?q=Иванов&why=true",
        "/?q=" + SCRIPT,
        "/estimates",
        "/estimates?by=unit",
        "/estimates?by=region",
        "/nowcast",
        "/unit/" + SCRIPT,
    ],
)
def test_listing_pages_render_hostile_values_inert(reader: TestClient, page: str) -> None:
    assert_inert(reader.get(page).text)


def test_the_sources_page_shows_the_hostile_source_escaped(reader: TestClient) -> None:
    html = reader.get("/sources").text
    assert "Hostile &lt;script&gt;" in html and "&lt;img src=x" in html


def test_the_review_page_shows_hostile_records_inert(client: TestClient, world: World) -> None:
    # decide pairs until the queue is empty, checking every page on the way
    for _ in range(40):
        html = client.get("/review").text
        assert_inert(html)
        a = re.search(r'name="a" value="([^"]*)"', html)
        b = re.search(r'name="b" value="([^"]*)"', html)
        if not (a and b):
            break
        import html as h

        client.post(
            "/review/decide",
            data={"a": h.unescape(a[1]), "b": h.unescape(b[1]), "decision": "unsure"},
        )
    assert 'id="empty"' in client.get("/review").text


def test_json_keeps_the_values_as_written(reader: TestClient, world: World) -> None:
    # the API returns data, not markup: the exact values, for the client to escape
    view = reader.get(f"/api/persons/{hostile_person(world)}").json()
    assert any(c.get("full_name", "").startswith(SCRIPT) for c in view["claims"])
    assert reader.get("/api/sources").json()[-1]["publisher"] in (IMAGE, None) or any(
        s["publisher"] == IMAGE for s in reader.get("/api/sources").json()
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("/person/P-1", "/person/P-1"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,x", None),
        ("java\tscript:alert(1)", None),
        ("vbscript:x", None),
        ("[protected]", None),  # a protected URL is no link
        ("", None),
        (None, None),
    ],
)
def test_only_http_https_and_relative_urls_become_links(url: str | None, shown: str | None) -> None:
    assert link_url(url) == shown
