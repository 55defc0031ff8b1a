"""Accounts in a real headless Chromium: a viewer cannot reach an editor's pages, is
offered no review and reads a published person's URLs and quotes as [protected]; a
reviewer's decision appears on the admin's audit page under the reviewer's name.
Screenshots go where tests/web/test_browser.py puts its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser
from tests.web.accounts import PASSWORD, TEAM, team_workspace
from tests.web.conftest import World
from tests.web.test_browser import ARTIFACTS, Live, shot
from unaccounted.protect import REDACTED, has_token
from unaccounted.service import Session, persons, publication

pytestmark = [pytest.mark.slow, pytest.mark.browser]

__all__ = ["browser"]  # the fixture, from tests/browser.py


#: The person the viewer reads: published by the admin, one of its records has a URL.
SHOWN: dict[str, str] = {}


@pytest.fixture
def live(world: World, tmp_path: Path) -> Iterator[Live]:
    ws = team_workspace(world.ws, tmp_path / "ws")
    with Session.open(ws, TEAM["admin"]) as s:
        for view in persons.views(s, "person"):
            if has_token(view.as_dict()):  # a URL or a quote, sealed at ingest
                SHOWN["id"] = view.person_id
                break
        publication.set_rule(s, include=[(SHOWN["id"], "checked by the desk")])
    with Live(ws, None) as served:
        yield served


def sign_in(page: Any, name: str) -> None:
    """Fill and send the sign-in form the page shows."""
    page.fill('#login input[name="name"]', name)
    page.fill('#login input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.click('#login button[type="submit"]')


def nav_links(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("nav a", "els => els.map(e => e.getAttribute('href'))"))


def test_a_viewer_cannot_reach_an_editor_page_and_sees_no_review_link(
    browser: Any, live: Live
) -> None:  # fmt: skip
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/jobs")
    assert page.url == live.url + "/login?next=%2Fjobs"  # asked to sign in first
    shot(page, "login")
    sign_in(page, TEAM["viewer"])
    # back where the viewer was going: refused, with the reason
    assert page.url == live.url + "/jobs"
    assert "vera may not run an ingest, normalize and link job" in page.inner_text("#error")
    for editor_page in ("/jobs", "/sources", "/review", "/audit"):
        response = page.goto(live.url + editor_page)
        assert response.status == 403, editor_page
    page.goto(live.url + "/")
    # testimonies, incidents and places: their published forms
    assert nav_links(page) == ["/", "/concealment", "/estimates", "/nowcast", "/testimonies",
                               "/incidents", "/places"]  # fmt: skip
    assert "vera (viewer)" in page.inner_text("#user")
    response = page.goto(live.url + f"/person/{SHOWN['id']}")
    assert response.status == 200  # published: a viewer reads it
    assert REDACTED in page.inner_text("main")  # its URL or quote: never in the clear
    # a record's URL (a source's own address, its publisher's page, is not protected)
    assert re.search(r"example\.org/sim/\w+/\d", page.content()) is None
    assert page.query_selector('form[action$="/split"]') is None
    assert page.query_selector('form[action$="/merge"]') is None
    shot(page, "viewer-person")
    # no upload form is posted by a viewer either (the server refuses it)
    status = page.evaluate(
        """async () => {
            const meta = document.querySelector('meta[name="csrf-token"]').content;
            const body = new FormData();
            body.append('file', new Blob(['full_name\\nA\\n']), 'a.csv');
            const r = await fetch('/api/jobs', {method: 'POST', body,
                                                headers: {'X-CSRF-Token': meta}});
            return r.status;
        }"""
    )
    assert status == 403


def test_a_reviewers_decision_is_attributed_to_the_reviewer_on_the_audit_page(
    browser: Any, live: Live
) -> None:  # fmt: skip
    reviewer = browser.new_page(viewport={"width": 1200, "height": 900})
    reviewer.goto(live.url + "/login")
    sign_in(reviewer, TEAM["reviewer"])
    reviewer.goto(live.url + "/review")
    a = reviewer.input_value('#decide input[name="a"]')
    b = reviewer.input_value('#decide input[name="b"]')
    with reviewer.expect_navigation():
        reviewer.keyboard.press("d")  # different
    shot(reviewer, "reviewer-decided")
    # the admin, in a browser of their own, reads the audit page
    admin = browser.new_page(viewport={"width": 1400, "height": 900})
    admin.goto(live.url + "/audit")
    sign_in(admin, TEAM["admin"])
    assert admin.url == live.url + "/audit"
    rows = admin.eval_on_selector_all(
        "#audit tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )
    judged = [r for r in rows if r[3] == "judge"]
    assert judged, rows
    assert judged[0][2] == "rita"  # the newest judgement: the reviewer's own name
    details = judged[0][5]  # the pair's records (source, record id each) and the word
    assert all(part in details for part in (*a.rsplit(":", 1), *b.rsplit(":", 1)))
    assert '"decision": "different"' in details
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "audit.png"))  # the newest events: the first screen
    # the reviewer may not read it
    assert reviewer.goto(live.url + "/audit").status == 403
