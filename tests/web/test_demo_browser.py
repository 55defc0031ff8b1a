"""The web application on the demo's own workspace (what ``make demo`` builds: the
simulated world of ``unaccounted demo`` at its default size and seed), in headless
Chromium: a search in Cyrillic, in Latin letters and with a diminutive each reach the same
person page. Screenshots go to ``$UNACCOUNTED_ARTIFACTS`` with the other browser tests'.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser
from tests.web.test_browser import ARTIFACTS, Live, shot
from unaccounted.demo import PERSONS, SEED, run_demo
from unaccounted.resolve import PersonView
from unaccounted.service import Session, persons

__all__ = ["browser"]  # the fixture, from tests/browser.py

pytestmark = [pytest.mark.slow, pytest.mark.browser]

#: The given name searched for, its diminutive, and its Latin spelling (Wikipedia scheme).
GIVEN, DIMINUTIVE, LATIN = "Александр", "Саша", "Aleksandr"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's workspace, built once (about 25 s of CPU)."""
    run = run_demo(tmp_path_factory.mktemp("demo") / "demo", PERSONS, SEED, lambda _: None)
    assert run.workspace is not None
    return run.workspace.root


@pytest.fixture
def served(demo: Path, tmp_path: Path) -> Iterator[Live]:
    ws = Path(shutil.copytree(demo, tmp_path / "ws"))
    with Live(ws, None) as live:
        yield live


def _name(view: PersonView, part: str) -> str:
    value = view.best.get(part)
    return str(value.shown) if value is not None else ""


def target(demo: Path) -> PersonView:
    """The first person named Александр whose surname no other Александр has, confirmed by
    two or more independent source groups: the one person every query must reach."""
    with Session.open(demo, "t", read_only=True) as s:
        views = list(persons.views(s, "person"))
    named = Counter((_name(v, "surname"), _name(v, "given_name")) for v in views)
    return next(
        v
        for v in sorted(views, key=lambda v: v.person_id)
        if _name(v, "given_name") == GIVEN
        and _name(v, "surname")
        and named[(_name(v, "surname"), GIVEN)] == 1
        and v.grade.rule == "independent-groups"
    )


def test_cyrillic_latin_and_diminutive_searches_reach_one_person_on_the_demo(
    browser: Any, demo: Path, served: Live
) -> None:
    import iuliia

    person = target(demo)
    surname = _name(person, "surname")
    queries = {
        "cyrillic": f"{surname} {GIVEN}",
        "latin": iuliia.WIKIPEDIA.translate(f"{GIVEN} {surname}"),
        "diminutive": f"{DIMINUTIVE} {surname}",
    }
    assert queries["latin"].startswith(f"{LATIN} ")  # really in Latin letters
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    for form, q in queries.items():
        page.goto(served.url + "/")
        page.fill("#q", q)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        first = page.locator("#hits a.person >> nth=0")
        assert first.get_attribute("href") == f"/person/{person.person_id}", (form, q)
        shot(page, f"demo-search-{form}")
        with page.expect_navigation():
            first.click()
        assert page.url == f"{served.url}/person/{person.person_id}", (form, q)
        assert surname in page.inner_text("#name")
    shot(page, "demo-person")
    page.screenshot(path=str(ARTIFACTS / "demo-person-top.png"))  # what a screen shows first
