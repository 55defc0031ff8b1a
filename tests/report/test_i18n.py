"""The report in Russian: every heading, label and note from the Russian catalogue, none
of the English left; numbers, names and links as in the English report."""

from __future__ import annotations

import json
import re
from html import unescape
from importlib.resources import files
from pathlib import Path

import pytest

from tests.conftest import run_subprocess
from tests.report.conftest import Rendered
from unaccounted.errors import InputError
from unaccounted.report.html import write_report


def catalogue(lang: str) -> dict[str, str]:
    text = files("unaccounted.report").joinpath("locales", f"{lang}.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)
    return data


#: What a page shows as the data gives it, in the data's language: the style sheet, the
#: grading rules' descriptions (the workspace's rules file) and the one-line message of the
#: concealment analysis; code (commands, file names, rule ids) and source kinds.
_DATA = re.compile(r'<style>.*?</style>|<td class="(?:description|kind)">.*?</td>|'
                   r'<p class="message"[^>]*>.*?</p>|<code>.*?</code>', re.S)  # fmt: skip


def text_of(html: str) -> str:
    """A page's words: no tags, entities read, whitespace as single spaces."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", _DATA.sub(" ", html))))


def fragments(message: str) -> list[str]:
    """The plain-text pieces of a message between its markup and placeholders."""
    parts = re.split(r"<[^>]+>|\{\w+\}", unescape(message.replace("&nbsp;", "\u00a0")))
    return [p for p in (re.sub(r"\s+", " ", x).strip(" ,.:;—()") for x in parts) if len(p) >= 4]


@pytest.fixture(scope="module")
def russian(rendered: Rendered, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-ru") / "report"
    write_report(rendered.ws, out, lang="ru")
    return out


def pages(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text("utf-8") for p in sorted(folder.rglob("*.html"))
    }


def test_the_catalogues_have_the_same_messages_and_placeholders() -> None:
    en, ru = catalogue("en"), catalogue("ru")
    assert sorted(en) == sorted(ru)
    for key in en:
        assert sorted(re.findall(r"\{(\w+)\}", en[key])) == sorted(
            re.findall(r"\{(\w+)\}", ru[key])
        ), key


def test_no_english_is_left_in_the_russian_report(rendered: Rendered, russian: Path) -> None:
    english, ru = catalogue("en"), catalogue("ru")
    # words the two catalogues share (a grade's name in the Standards' title, a file name)
    shared = {f for key in ru for f in fragments(ru[key])}
    names = re.findall(r'data-source="([^"]+)"', rendered.html("sources.html"))
    assert len(names) > 4
    texts = {}
    for name, html in pages(russian).items():  # without the sources' names, which are data
        texts[name] = text_of(html)
        for source in names:
            texts[name] = texts[name].replace(unescape(source), " ")
    assert len(texts) == len(pages(rendered.out)) > 8  # every page, units and regions too
    left = sorted(
        (name, f)
        for key, message in english.items()
        for f in fragments(message)
        if f not in shared and not f.isdigit()
        for name, text in texts.items()
        if re.search(rf"(?<![\w/-]){re.escape(f)}(?![\w/.-])", text)
    )
    assert left == []


def test_the_russian_report_has_the_russian_headings(rendered: Rendered, russian: Path) -> None:
    index = (russian / "index.html").read_text("utf-8")
    assert '<html lang="ru">' in index
    headings = re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", index)
    assert headings == [
        "Задокументированные погибшие и пропавшие без вести",
        "Погибшие и пропавшие по месяцам",
        "Насколько подтверждён каждый случай?",
        "Погибшие и пропавшие по категориям",
        "Что смотреть дальше",
    ]
    nav = re.findall(r"<nav>(.*?)</nav>", index, re.S)[0]
    assert re.findall(r">([^<]+)</a>", nav) == ["Обзор", "Скрыты как пропавшие?",
                                                "Воинские части", "Регионы", "Источники",
                                                "Как читать этот отчёт"]  # fmt: skip
    method = (russian / "method.html").read_text("utf-8")
    assert re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", method) == [
        "Как читать этот отчёт", "Записи и люди", "Исход", "Степени подтверждения",
        "Рейтинг сокрытия", "Чего этот отчёт не показывает",
    ]  # fmt: skip


def test_numbers_and_names_are_those_of_the_english_report(
    rendered: Rendered, russian: Path
) -> None:
    english, ru = pages(rendered.out), pages(russian)
    assert sorted(english) == sorted(ru)
    for name in english:
        counts = re.findall(r'data-count="([^"]+)">([^<]*)<', english[name])
        assert re.findall(r'data-count="([^"]+)">([^<]*)<', ru[name]) == counts, name
        persons = re.findall(r'<tr id="p-([^"]+)">\s*<td><code>[^<]*</code></td><td>([^<]*)<',
                             english[name])  # fmt: skip
        assert re.findall(r'<tr id="p-([^"]+)">\s*<td><code>[^<]*</code></td><td>([^<]*)<',
                          ru[name]) == persons, name  # fmt: skip
    assert (russian / "data" / "persons.csv").read_bytes() == (
        rendered.out / "data" / "persons.csv"
    ).read_bytes()


def test_the_english_report_keeps_its_words(rendered: Rendered) -> None:
    index = rendered.html("index.html")
    assert '<html lang="en">' in index
    assert re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", index) == [
        "The documented dead and missing", "Dead and missing by month",
        "How well is each case corroborated?", "Dead and missing by category",
        "Where to go next",
    ]  # fmt: skip


def test_an_unknown_language_is_one_line(rendered: Rendered, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_report(rendered.ws, tmp_path / "r", lang="de")
    assert str(caught.value) == "the report has no language «de»; use one of en, ru"
    done = run_subprocess("--workspace", str(rendered.ws.root), "report", "--out",
                          str(tmp_path / "cli"), "--lang", "ru")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<h1>Как читать этот отчёт</h1>" in (tmp_path / "cli" / "method.html").read_text()
