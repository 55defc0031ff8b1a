"""The web application in a real headless Chromium, driven with the keyboard and the mouse.

Chromium is Debian's ``chromium`` (``scripts/system-deps.sh``); Playwright for Python
drives it through ``executable_path`` and never downloads a browser. Screenshots are
written to ``$UNACCOUNTED_ARTIFACTS`` (default: ``unaccounted-web`` in the temporary folder)
as test artifacts.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import browser
from tests.web.conftest import World
from unaccounted.service import Session, persons
from unaccounted.web.app import create_app

__all__ = ["browser"]  # the fixture, from tests/browser.py

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = Path(
    os.environ.get("UNACCOUNTED_ARTIFACTS") or Path(tempfile.gettempdir()) / "unaccounted-web"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Live:
    """The application served by uvicorn in a thread of the test process."""

    def __init__(self, workspace: Path, search: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(workspace, "reviewer", search=search),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Live:
        self.thread.start()
        for _ in range(200):
            try:
                httpx.get(self.url + "/api/status", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def live(world: World, tmp_path: Path) -> Iterator[Live]:
    ws = Path(shutil.copytree(world.ws, tmp_path / "ws"))
    with Live(ws, None) as served:
        yield served


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_reviewer_decides_five_pairs_with_the_keyboard_alone(browser: Any, live: Live) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/review")
    shot(page, "review")
    decided, persons_seen = [], []
    for key in "sdsdu":
        a = page.input_value('#decide input[name="a"]')
        b = page.input_value('#decide input[name="b"]')
        persons_seen.append(page.inner_text("#pair thead small >> nth=0"))
        with page.expect_navigation():
            page.keyboard.press(key)
        decided.append((a, b, {"s": "same", "d": "different", "u": "unsure"}[key]))
    judged = httpx.get(live.url + "/api/judgements").json()
    got = {
        (
            f"{j['source_id_l']}:{j['record_id_l']}",
            f"{j['source_id_r']}:{j['record_id_r']}",
            j["decision"],
        )
        for j in judged
    }
    assert got == set(decided)  # five judgements, exactly the pairs and words decided
    assert "5" in page.inner_text("#progress")
    # the person page of the first decided record shows the decision at once
    page.goto(f"{live.url}/person/{persons_seen[0]}")
    assert decided[0][0] in page.inner_text("#judgements")
    assert "same" in page.inner_text("#judgements")
    shot(page, "person-after-review")
    # z undoes the last decision
    page.goto(live.url + "/review")
    page.keyboard.press("s")
    page.wait_for_selector("#undo-form")
    with page.expect_navigation():
        page.keyboard.press("z")
    assert len(httpx.get(live.url + "/api/judgements").json()) == 5


def test_an_upload_and_link_job_runs_to_completion(browser: Any, live: Live, world: World) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(live.url + "/jobs")
    page.set_input_files('input[name="file"]', str(world.sim / "sources" / "graves.csv"))
    page.set_input_files('input[name="mapping"]', str(world.sim / "sources" / "graves.yaml"))
    page.fill('input[name="source"]', "Graves, second copy")
    page.click('#upload button[type="submit"]')
    page.wait_for_selector("#job")
    # the page follows the job's progress by itself and shows it done
    page.wait_for_selector('#job[data-state="done"]', timeout=180_000)
    assert page.get_attribute("#job progress", "value") == "1.0"
    shot(page, "job-done")
    names = [s["name"] for s in httpx.get(live.url + "/api/sources").json()]
    assert "Graves, second copy" in names


def test_switching_the_language_changes_the_page(browser: Any, live: Live) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    page.goto(live.url + "/sources")
    assert page.inner_text("h1") == "Sources"
    page.click('a[data-lang="ru"]')
    page.wait_for_url("**/sources")
    assert page.inner_text("h1") == "Источники"
    shot(page, "sources-ru")
    page.goto(live.url + "/review")  # remembered on the next page
    assert page.inner_text("h1") == "Очередь проверки"


def test_reading_works_with_javascript_disabled(browser: Any, live: Live) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live.url + "/person/P-000001")
    assert page.inner_text("#name")
    page.click('a[href="/concealment"]')
    assert page.locator("table.concealment tbody tr").count() > 0
    shot(page, "concealment-no-js")
    context.close()


def test_a_search_in_cyrillic_latin_and_a_diminutive_reach_one_person(
    browser: Any, world: World, tmp_path: Path
) -> None:
    import iuliia

    with Session.open(world.ws, "t", read_only=True) as s:
        target = next(
            v
            for v in persons.views(s, "person")
            if v.best.get("given_name")
            and v.best["given_name"].shown == "Александр"
            and v.best.get("surname")
        )
    surname = str(target.best["surname"].shown)
    queries = [
        f"{surname} Александр",
        iuliia.WIKIPEDIA.translate(f"{surname} Aleksandr"),
        f"Саша {surname}",
    ]
    ws = Path(shutil.copytree(world.ws, tmp_path / "ws"))
    with Live(ws, None) as served:
        page = browser.new_page()
        for i, q in enumerate(queries):
            page.goto(served.url + "/")
            page.fill("#q", q)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            shot(page, f"search-{i}")
            with page.expect_navigation():
                page.click("#hits a.person >> nth=0")
            assert page.url.endswith(f"/person/{target.person_id}"), (q, page.url)
