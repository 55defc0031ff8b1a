"""The memorial site in a real headless Chromium, opened from ``file://`` as a newsroom
would open a copied folder: typing a name finds the person, in Cyrillic and in Latin.

Chromium is Debian's ``chromium`` (``scripts/system-deps.sh``), driven by Playwright for
Python through ``executable_path``, as in tests/web/test_browser.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser
from tests.publish.world import XSS
from unaccounted.normalize.ru.keys import script_key
from unaccounted.service import Session
from unaccounted.service import publication as pub

__all__ = ["browser"]  # the fixture, from tests/browser.py

pytestmark = [pytest.mark.slow, pytest.mark.browser]

#: Words in both scripts and several transliteration schemes, for the key written in JS.
WORDS = (
    "Иванов", "Ivanov", "Iwanow", "Сергей", "Sergei", "Sergey", "Serhiy", "Щукин", "Shchukin",
    "Ščukin", "Хабибуллин", "Khabibullin", "Habibulin", "Жуков", "Zhukov", "Žukov", "Цветков",
    "Tsvetkov", "Cvetkov", "Чайковский", "Tchaikovsky", "Ёлкин", "Yolkin", "Юлия", "Yulia",
    "Julija", "Гоша", "Лев", "Lew", "Мария-Анна", "O'Neil", "Łukasz", "Дьяченко", "Dyachenko",
    "Diachenko", "Philipp", "Кузьмич", "Kuzmich",
)  # fmt: skip


@pytest.fixture(scope="module")
def site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    ws = Path(shutil.copytree(built, folder / "ws"))
    with Session.open(ws, "ed") as s:
        pub.publish(s, folder / "site", lang="ru")
    return folder / "site"


def results(page: Any) -> list[str]:
    return [str(t) for t in page.locator("#results li a").all_inner_texts()]


def test_typing_a_name_finds_the_person_from_a_file(browser: Any, site: Path) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((site / "index.html").as_uri())
    page.fill("#q", "иванов")
    assert results(page) == ["Иванов Иван Иванович"]
    page.fill("#q", "Ivanov Ivan")  # Latin letters, the index is Cyrillic
    assert results(page) == ["Иванов Иван Иванович"]
    page.fill("#q", "петр")  # ё is е, and a word's beginning is enough
    assert results(page) == ["Петров Пётр Петрович"]
    page.fill("#q", "Volkov")
    assert results(page) == [f"{XSS} Волков Артём"]  # shown as text, never run
    assert page.locator("#results script").count() == 0
    page.fill("#q", "Сидоров")  # not published
    assert results(page) == [] and page.inner_text("#count") == "Никого не найдено."
    page.fill("#q", "")
    assert page.locator("#all li").count() == 4
    with page.expect_navigation():
        page.click("#all li a >> text=Кузнецов Олег")
    assert page.inner_text("h1") == "Кузнецов Олег"
    assert errors == []


def test_the_key_in_the_browser_is_the_packs(browser: Any, site: Path) -> None:
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    got = page.evaluate("words => words.map(w => window.memorialSearch.scriptKey(w))", WORDS)
    assert got == [script_key(w) for w in WORDS]
