"""Accounts of abuse in a real headless Chromium: an editor takes in a testimony and adds
an incident through the forms, or decides on the suggestions read from its text; names the
perpetrating unit, finds the victim among the casualty records by searching and links them;
the person page and the unit dossier then show the incident. Screenshots go where
tests/web/test_browser.py puts its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser
from tests.web.accounts import TEAM, team_workspace
from tests.web.conftest import World
from tests.web.test_auth_browser import sign_in
from tests.web.test_browser import Live, shot
from tests.web.test_testimonies import key_of
from unaccounted.service import Session, persons

pytestmark = [pytest.mark.slow, pytest.mark.browser]

__all__ = ["browser"]  # the fixture, from tests/browser.py

#: The unit (key and a spelling) and a person of it, the victim.
CHOSEN: dict[str, str] = {}


@pytest.fixture
def live(world: World, tmp_path: Path) -> Iterator[Live]:
    ws = team_workspace(world.ws, tmp_path / "ws")
    with Session.open(ws, TEAM["admin"]) as s:
        first = persons.concealment(s)[0]
        CHOSEN["unit"] = first.unit
        CHOSEN["spelling"] = next(a for a in first.aliases if key_of(a) == first.unit)
        victim = persons.unit(s, first.unit)["people"][0]["person_id"]
        CHOSEN["person"] = victim
        CHOSEN["name"] = persons.person(s, victim)["name"]
    with Live(ws, None) as served:
        yield served


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def signed_in_editor(browser: Any, live: Live) -> Any:
    """A page of the testimonies list, an editor signed in."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/testimonies")
    sign_in(page, TEAM["editor"])
    return page


def link_victim(page: Any) -> None:
    """On an incident's page: find the chosen person by name and link them as its victim."""
    page.fill("#q", CHOSEN["name"])
    submit(page, "#find")
    row = page.locator("#hits tr", has=page.locator(f'input[value="{CHOSEN["person"]}"]'))
    row.locator('select[name="role"]').select_option("victim")
    shot(page, "incident-victim-search")
    with page.expect_navigation():
        row.locator("button.link-person").click()


def test_an_editor_adds_a_testimony_and_an_incident_and_links_the_victim(
    browser: Any, live: Live
) -> None:  # fmt: skip
    page = signed_in_editor(browser, live)
    # the testimony: a written statement, typed in
    page.click("#add-testimony")
    page.select_option("#kind", "written_statement")
    page.fill("#source", "letter to the desk")
    page.fill("#date", "2024-03")
    page.fill("#text", "Нас держали в подвале склада.")
    shot(page, "testimony-form")
    submit(page, "#save-testimony")
    assert page.inner_text("#testimony-id") == "Testimony T-1"
    assert page.inner_text("#text") == "[protected]"  # restricted: not shown, even to an editor
    # a place, then the incident there
    page.goto(live.url + "/places")
    page.fill("#place-name", "Тихая Заводь, склад")
    page.fill("#lat", "47.25")
    page.fill("#lon", "38.5")
    submit(page, "#save-place")
    page.goto(live.url + "/incidents")
    page.click("#add-incident")
    page.select_option("#type", "unlawful_detention")
    page.select_option("#place", label="Тихая Заводь, склад")
    page.fill("#start", "2024-03")
    page.fill("#end", "2024-03-17")
    page.fill("#summary", "held in a basement")
    submit(page, "#save-incident")
    assert page.inner_text("#incident-id") == "I-1: unlawful detention"
    # the perpetrating unit, as written
    page.select_option("#role", "perpetrator")
    page.fill("#unit", CHOSEN["spelling"])
    submit(page, "#involve")
    # the victim: searched among the casualty records and linked from the hits
    link_victim(page)
    # the testimony supports it
    page.select_option("#testimony", "T-1")
    submit(page, "#link")
    involved = page.inner_text("#involvements")
    assert "perpetrator" in involved and "victim" in involved and CHOSEN["person"] in involved
    assert "T-1" in page.inner_text("#support")
    shot(page, "incident")
    # the person page and the unit dossier show it
    page.goto(f"{live.url}/person/{CHOSEN['person']}")
    assert "I-1" in page.inner_text("#incidents") and "victim" in page.inner_text("#incidents")
    shot(page, "person-incidents")
    page.goto(f"{live.url}/unit/{CHOSEN['unit']}")
    listed = page.inner_text("#incidents")
    assert "I-1" in listed and "perpetrator" in listed and "unverified" in listed
    with page.expect_navigation():
        page.click("#concealment-row")
    assert page.url.endswith("/concealment#unit-" + CHOSEN["unit"].replace(":", "%3A"))
    # the timeline and the map
    page.goto(live.url + "/incidents")
    assert "I-1" in page.inner_text("#incident-timeline")
    page.goto(live.url + "/places")
    assert page.locator("#map circle.place").count() == 1
    shot(page, "places-map")


def decide(page: Any, kind: str, decision: str, **fields: str) -> None:
    """Decide on the open suggestion of ``kind`` from its row of the testimony page."""
    row = page.locator(f'#suggestions tr[data-kind="{kind}"][data-status="open"]')
    row.locator('select[name="decision"]').select_option(decision)
    for name, value in fields.items():
        if name == "value":
            row.locator('input[name="value"]').fill(value)
        else:
            row.locator(f'select[name="{name}"]').select_option(value)
    with page.expect_navigation():
        row.locator("button.decide-button").click()


def test_an_editor_takes_in_an_account_and_decides_its_suggestions(
    browser: Any, live: Live
) -> None:  # fmt: skip
    page = signed_in_editor(browser, live)
    page.click("#add-testimony")
    page.select_option("#kind", "media_report")
    page.fill("#source", "a regional paper")
    page.fill("#text", "Рядового Сергея Иванова из в/ч 12345 держали в подвале в Зайцево "
                       "с 3 марта 2024 года.")  # fmt: skip
    submit(page, "#save-testimony")
    submit(page, "#suggest")
    kinds = page.locator("#suggestions tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.kind)"
    )
    assert kinds == ["person", "unit", "incident_type", "place", "date"]
    shot(page, "testimony-suggestions")
    # three suggestions accepted — the incident's type, its place and its date — and the
    # unit corrected to a unit of the casualty records, as its perpetrator
    decide(page, "incident_type", "accept")
    decide(page, "place", "accept", incident="I-1")
    decide(page, "date", "accept", incident="I-1")
    decide(page, "unit", "correct", value=CHOSEN["spelling"], incident="I-1", role="perpetrator")
    statuses = page.locator("#suggestions tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"
    )
    assert statuses == ["open", "corrected", "accepted", "accepted", "accepted"]
    # the victim: found among the casualty records from the incident's page
    page.goto(live.url + "/incident/I-1")
    assert page.inner_text("#incident-id") == "I-1: unlawful detention"
    assert "Зайцево" in page.inner_text("main") and "2024-03-03" in page.inner_text("main")
    link_victim(page)
    involved = page.inner_text("#involvements")
    assert "perpetrator" in involved and "victim" in involved and CHOSEN["person"] in involved
    assert "T-1" in page.inner_text("#support")
    page.goto(f"{live.url}/person/{CHOSEN['person']}")
    assert "I-1" in page.inner_text("#incidents") and "victim" in page.inner_text("#incidents")
    page.goto(f"{live.url}/unit/{CHOSEN['unit']}")
    assert "I-1" in page.inner_text("#incidents") and "perpetrator" in page.inner_text("#incidents")
