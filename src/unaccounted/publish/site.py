"""The memorial site: ``index.html`` with a search box that runs in the browser, one page
per person, and an about page with the publication rule.

Everything written comes from :class:`SitePerson` and :class:`SiteInfo` — plain values the
service chose from the public fields only — escaped by the templates (autoescape) or, in
the search index, written as JSON and shown by the script with ``textContent``. The index
is a ``.js`` file that assigns a variable, not a JSON file: a page opened from ``file://``
may load a script but not fetch a file. The folder is written as the HTML report's is
(:class:`unaccounted.report.output.ReportFolder`): into an empty or new folder, or over an
earlier site, whose pages of persons no longer published are removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from unaccounted.report.output import ReportFolder

#: The manifest an earlier site left in its folder.
MANIFEST = ".unaccounted-publish"
LANGS: tuple[str, ...] = ("ru", "en")
#: Files shipped with the package and copied as they are.
STATIC = ("search.js", "style.css")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Memorial", "search": "Search by name", "placeholder": "Surname, name",
        "about": "About", "home": "All persons", "born": "Born", "event": "Died or went missing",
        "status": "Status", "unit": "Unit", "region": "Region", "grade": "Grade",
        "sources": "Sources", "persons": "persons", "no_results": "No one found.",
        "shown": "shown", "of": "of", "rule": "Publication rule", "published_on": "Published on",
        "min_grade": "Lowest grade published", "protected_only": "Persons known only from "
        "confidential sources", "left_out": "left out", "kept": "published",
        "excluded": "Persons left out by an editor", "included": "Persons added by an editor",
        "noscript": "The search needs JavaScript; every person is listed below.",
        "not_published": "Never published: addresses and links of sources, quotes, contacts, "
        "witnesses, record numbers, and anything from a confidential source.",
        "sources_note": "Sources counts the public sources that name the person; the grade "
        "weighs every source.",
    },
    "ru": {
        "title": "Мемориал", "search": "Поиск по имени", "placeholder": "Фамилия, имя",
        "about": "О сайте", "home": "Все люди", "born": "Дата рождения",
        "event": "Дата гибели или исчезновения", "status": "Статус", "unit": "Часть",
        "region": "Регион", "grade": "Достоверность", "sources": "Источники",
        "persons": "чел.", "no_results": "Никого не найдено.", "shown": "показано",
        "of": "из", "rule": "Правило публикации", "published_on": "Опубликовано",
        "min_grade": "Наименьшая публикуемая достоверность",
        "protected_only": "Люди, известные только из закрытых источников",
        "left_out": "не публикуются", "kept": "публикуются",
        "excluded": "Исключены редактором", "included": "Добавлены редактором",
        "noscript": "Для поиска нужен JavaScript; ниже перечислены все люди.",
        "not_published": "Никогда не публикуются: адреса и ссылки источников, цитаты, контакты, "
        "свидетели, номера записей и всё, что получено из закрытых источников.",
        "sources_note": "«Источники» — число открытых источников, называющих человека; "
        "достоверность учитывает все источники.",
    },
}  # fmt: skip

STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {"killed": "killed", "died_of_wounds": "died of wounds", "died": "died",
           "missing": "missing", "captured": "captured", "wounded": "wounded",
           "returned": "returned", "alive": "alive", "declared_dead": "declared dead",
           "declared_missing": "declared missing", "deserted": "deserted"},
    "ru": {"killed": "погиб", "died_of_wounds": "умер от ран", "died": "умер",
           "missing": "пропал без вести", "captured": "в плену", "wounded": "ранен",
           "returned": "вернулся", "alive": "жив", "declared_dead": "признан погибшим",
           "declared_missing": "признан пропавшим без вести", "deserted": "оставил часть"},
}  # fmt: skip

GRADE_LABELS: dict[str, dict[str, str]] = {
    "en": {"confirmed": "confirmed", "probable": "probable", "unverified": "unverified",
           "contested": "contested", "rejected": "rejected"},
    "ru": {"confirmed": "подтверждено", "probable": "вероятно", "unverified": "не проверено",
           "contested": "спорно", "rejected": "отклонено"},
}  # fmt: skip

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class SitePerson:
    """One published person: the public fields only (each may be None)."""

    person_id: str
    name: str
    birth_date: str | None
    event_date: str | None
    status: str | None
    unit: str | None
    region: str | None
    grade: str | None
    sources: int
    #: the person's name words, lower case with ё as е (what the search box matches)
    words: tuple[str, ...] = ()
    #: script keys of those words (Latin and Cyrillic spellings meet; see search.js)
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteInfo:
    title: str
    lang: str
    published_on: str
    rule: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)


def page_name(person_id: str) -> str:
    """The file of a person's page: its id when that is a plain word, else a digest."""
    if _SAFE_ID.fullmatch(person_id):
        return f"persons/{person_id}.html"
    import hashlib

    return f"persons/x{hashlib.sha256(person_id.encode('utf-8')).hexdigest()[:24]}.html"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("unaccounted.publish", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["page"] = page_name
    return env


def index_script(people: list[SitePerson], info: SiteInfo) -> str:
    """``index.js``: the search index as one JavaScript assignment."""
    labels = STATUS_LABELS[info.lang]
    entries = [
        {"u": page_name(p.person_id), "n": p.name, "b": p.birth_date, "e": p.event_date,
         "s": labels.get(p.status or "", p.status), "w": list(p.words), "k": list(p.keys)}
        for p in people
    ]  # fmt: skip
    text = json.dumps({"persons": entries}, ensure_ascii=False, separators=(",", ":"))
    # JSON is a JavaScript expression but for these two; and no "</" may end a script early
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("</", "<\\/")
    return f"window.MEMORIAL_INDEX = {text};\n"


def write_site(out: Path, people: list[SitePerson], info: SiteInfo) -> dict[str, int]:
    """Write the site into ``out``; return the files and bytes written."""
    if info.lang not in LANGS:
        raise ValueError(f"unknown site language {info.lang!r}")
    env = _environment()
    common = {"info": info, "t": LABELS[info.lang], "statuses": STATUS_LABELS[info.lang],
              "grades": GRADE_LABELS[info.lang]}  # fmt: skip
    pages: dict[str, bytes] = {}
    ordered = sorted(people, key=lambda p: (p.name.casefold(), p.person_id))
    pages["index.html"] = _render(env, "index.html.j2", root="", people=ordered, **common)
    pages["about.html"] = _render(env, "about.html.j2", root="", **common)
    for p in people:
        pages[page_name(p.person_id)] = _render(env, "person.html.j2", root="../", p=p, **common)
    pages["index.js"] = index_script(ordered, info).encode("utf-8")
    static = files("unaccounted.publish") / "static"
    for name in STATIC:
        pages[name] = (static / name).read_bytes()
    with ReportFolder(out, manifest=MANIFEST, made_by="unaccounted publish",
                      what="memorial site") as folder:  # fmt: skip
        folder.check(sorted(pages))
        for rel, data in sorted(pages.items()):
            folder.write(rel, data)
    return {"files": len(pages), "bytes": sum(len(d) for d in pages.values())}


def _render(env: Environment, template: str, **values: Any) -> bytes:
    return env.get_template(template).render(**values).encode("utf-8")
