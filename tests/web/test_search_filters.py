"""The web's search with grade and date-of-death filters (page and API, shareable URLs),
and a damaged store or a full disk met inside a request: a 503 with one line."""

from __future__ import annotations

import errno
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from tests.service.test_search_filters import write_petrovs
from unaccounted.web.app import create_app
from unaccounted.workspace import Workspace


@pytest.fixture
def site(ws: Workspace, tmp_path: Path) -> Iterator[TestClient]:
    write_petrovs(ws, tmp_path)
    with TestClient(create_app(ws.root, "tester")) as c:
        yield c


def api_ids(client: TestClient, params: list[tuple[str, str]]) -> list[str]:
    got = client.get("/api/search", params=[("q", "Петров"), ("limit", "20"), *params])
    assert got.status_code == 200, got.text
    return sorted(h["person_id"] for h in got.json()["hits"])


def page_ids(client: TestClient, url: str) -> list[str]:
    got = client.get(url)
    assert got.status_code == 200, got.text
    return sorted(re.findall(r'href="/person/(P\d)"', got.text))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([], ["P1", "P2", "P3", "P4"]),
        ([("grade", "confirmed")], ["P1"]),
        ([("grade", "confirmed"), ("grade", "unverified")], ["P1", "P3"]),
        ([("died", "2023")], ["P1", "P2"]),
        ([("died", "2023-08-31..2024-02")], ["P2", "P3"]),
        ([("died", "2023..2024"), ("grade", "probable"), ("unit", "в/ч 41450")], ["P2"]),
        ([("grade", "unverified"), ("status", "missing"), ("born", "1992")], ["P3"]),
        ([("grade", ""), ("died", "")], ["P1", "P2", "P3", "P4"]),  # an empty form field
    ],
)  # fmt: skip
def test_the_api_and_the_page_filter_alike(
    site: TestClient, params: list[tuple[str, str]], expected: list[str]
) -> None:
    assert api_ids(site, params) == expected
    query = "&".join(f"{k}={v}" for k, v in params)
    assert page_ids(site, f"/?q=Петров&limit=20&{query}") == expected


def test_the_api_echoes_the_filters(site: TestClient) -> None:
    got = site.get("/api/search", params=[("q", "Петров"), ("grade", "unverified"),
                                          ("grade", "confirmed"), ("died", "2023-05")])  # fmt: skip
    assert got.json()["filters"] == {"grade": "confirmed,unverified",
                                     "died": "2023-05-01..2023-05-31"}  # fmt: skip


def test_the_page_keeps_the_filters_in_its_form(site: TestClient) -> None:
    text = site.get("/?q=Петров&grade=probable&grade=rejected&died=2023-05..2024").text
    assert re.findall(r'name="grade" value="(\w+)" checked', text) == ["probable", "rejected"]
    assert 'name="died" value="2023-05..2024"' in text
    assert text.count('type="checkbox" name="grade"') == 5  # every grade is offered


def test_a_bad_filter_is_one_line(site: TestClient) -> None:
    got = site.get("/api/search", params={"q": "Петров", "grade": "certain"})
    assert (got.status_code, got.json()) == (400, {"error": "unknown grade «certain»; use one "
                                             "of confirmed, probable, unverified, contested, "
                                             "rejected"})  # fmt: skip
    page = site.get("/?q=Петров&died=May")
    assert page.status_code == 400
    assert error_lines(page.text) == [
        "died must be a year, YEAR-MM or YEAR-MM-DD, or two of them as FROM..TO (either end "
        "may be left open), not «May»"
    ]


def error_lines(text: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="error" id="error">([^<]*)</p>', text)]


def _damaged(*_: Any, **__: Any) -> Any:
    raise duckdb.IOException("Corrupt database file: block 42 checksum mismatch")


def _full(*_: Any, **__: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("raiser", "line"),
    [
        (_damaged, "the store {store} is damaged (Corrupt database file: block 42 checksum "
                   "mismatch); nothing was changed — run 'unaccounted doctor' for a full check "
                   "and restore the store from a backup"),
        (_full, "the disk holding {store} is full; nothing was changed — free some space and "
                "run the command again"),
    ],
)  # fmt: skip
def test_a_storage_failure_in_a_request_is_a_503_with_one_line(
    ws: Workspace, site: TestClient, monkeypatch: pytest.MonkeyPatch, raiser: Any, line: str
) -> None:
    store = site.app.state.web.session.store  # type: ignore[attr-defined]
    # every search reads the views, on a reader cursor of the store (any of them)
    monkeypatch.setattr(type(store), "view_summaries", raiser)
    expected = line.format(store=ws.store_path)
    api = site.get("/api/search", params={"q": "Петров"})
    assert (api.status_code, api.json()) == (503, {"error": expected})
    page = site.get("/?q=Петров")
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert error_lines(page.text) == [expected]
    assert "Traceback" not in page.text
    monkeypatch.undo()  # the store reads again: the server serves again
    assert site.get("/api/search", params={"q": "Петров"}).status_code == 200


def test_a_storage_failure_while_identifying_the_visitor(
    ws: Workspace, site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = site.app.state.web  # type: ignore[attr-defined]
    monkeypatch.setattr(web, "identify", _damaged)
    got = site.get("/sources")
    assert got.status_code == 503
    assert error_lines(got.text) == [
        f"the store {ws.store_path} is damaged (Corrupt database file: block 42 checksum "
        "mismatch); nothing was changed — run 'unaccounted doctor' for a full check and "
        "restore the store from a backup"
    ]
    assert site.get("/api/status").json()["error"].startswith(f"the store {ws.store_path} is")
