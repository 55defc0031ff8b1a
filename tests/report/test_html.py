"""The HTML report shows the store's numbers, exactly, and escapes what the sources say."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from tests.conftest import write_csv
from tests.report.conftest import Rendered
from unaccounted.analyze import analyze
from unaccounted.cli import app
from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.report.data import event_month
from unaccounted.report.html import write_report
from unaccounted.resolve.rules import GRADES
from unaccounted.workspace import Workspace


class Counts(HTMLParser):
    """Every ``data-count`` element's text: ``{name: int}``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, int] = {}
        self._open: list[tuple[str, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append((tag, dict(attrs).get("data-count"), []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, key, text = self._open.pop()
            if key is not None:
                assert key not in self.found, f"data-count {key!r} appears twice"
                self.found[key] = int("".join(text).strip().replace(",", ""))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, key, text in self._open:
            if key is not None:
                text.append(data)


def counts(html: str) -> dict[str, int]:
    parser = Counts()
    parser.feed(html)
    return parser.found


def test_overview_counts_are_the_stores(rendered: Rendered) -> None:
    found = counts(rendered.html("index.html"))
    analysis = analyze(rendered.ws)
    views = analysis.views
    with rendered.ws.store(read_only=True) as store:
        stored = store.counts()
        persons = store.person_count()
        claims = store.all_claims()
    assert found["total/persons"] == persons == len(views)
    assert found["total/records"] == stored["records"]
    assert found["total/sources"] == stored["sources"]
    assert found["total/rejects"] == stored["rejects"]
    # Dead: persons with at least one claim of a dead-class status, straight from the rows.
    dead_statuses = set(analysis.rules.status_classes["dead"])
    dead = {r["person_id"] for r in claims if r["status"] in dead_statuses}
    assert found["outcome/dead"] == len(dead) > 0
    fates = Counter(v.grade.fate for v in views)
    for outcome in ("dead", "missing", "captured", "alive", "none"):
        assert found[f"outcome/{outcome}"] == fates[outcome], outcome
    assert sum(found[f"outcome/{o}"] for o in fates) == persons  # every person once
    grades = Counter(v.grade.grade for v in views)
    assert found["figure/confirmed"] == grades["confirmed"]
    by_outcome = Counter((v.grade.fate, v.grade.grade) for v in views)
    for g in GRADES:
        assert found[f"grade/{g}"] == grades[g], g
        for o in ("dead", "missing", "captured"):
            assert found[f"grade-outcome/{g}/{o}"] == by_outcome[(o, g)], (g, o)


def test_months_and_categories(rendered: Rendered) -> None:
    found = counts(rendered.html("index.html"))
    views = analyze(rendered.ws).views
    months: Counter[tuple[str, str]] = Counter()
    unknown: Counter[str] = Counter()
    for v in views:
        if v.grade.fate in ("dead", "missing"):
            best = v.best.get("event_date")
            month = event_month(str(best.value) if best else None)
            if month:
                months[(month, v.grade.fate)] += 1
            else:
                unknown[v.grade.fate] += 1
    shown = {k: n for k, n in found.items() if k.startswith("month/")}
    # Every month between the first and the last has a row (gaps show as zero).
    assert {k: n for k, n in shown.items() if n} == {
        f"month/{m}/{o}": n for (m, o), n in months.items()
    }
    assert found["month-unknown/dead"] == unknown["dead"]
    assert found["month-unknown/missing"] == unknown["missing"]
    assert (
        sum(shown.values()) + sum(unknown.values())
        == found["outcome/dead"] + found["outcome/missing"]
    )
    # Categories, most persons first, as written.
    cats: dict[str, Counter[str]] = defaultdict(Counter)
    for v in views:
        b = v.best.get("category")
        cats[str(b.value) if b else ""][v.grade.fate] += 1
    expected = sorted(
        ((k, c.total(), c["dead"], c["missing"]) for k, c in cats.items()),
        key=lambda r: (r[0] == "", -r[1], r[0]),
    )
    for i, (_, persons, dead, missing) in enumerate(expected, start=1):
        assert found[f"category/{i}/persons"] == persons
        assert (found[f"category/{i}/dead"], found[f"category/{i}/missing"]) == (dead, missing)


def test_units_regions_and_their_pages(rendered: Rendered) -> None:
    analysis = analyze(rendered.ws)
    fate = {v.person_id: v.grade.fate for v in analysis.views}
    grade = {v.person_id: v.grade.grade for v in analysis.views}
    found = counts(rendered.html("units.html"))
    members: dict[str, list[str]] = defaultdict(list)
    for person, unit in analysis.units.person_unit.items():
        members[unit].append(person)
    assert members
    for unit, people in members.items():
        assert found[f"unit/{unit}/persons"] == len(people)
        assert found[f"unit/{unit}/dead"] == sum(fate[p] == "dead" for p in people)
        assert found[f"unit/{unit}/missing"] == sum(fate[p] == "missing" for p in people)
        assert found[f"unit/{unit}/confirmed"] == sum(grade[p] == "confirmed" for p in people)
    no_unit = len(analysis.views) - len(analysis.units.person_unit)
    assert found.get("unit/(none)/persons", 0) == no_unit
    # Each unit's page names every person behind its counts.
    page_of = dict(
        re.findall(
            r'<tr data-unit="([^"]+)".*?href="(units/[^"]+)"',
            "".join(rendered.html("units.html").split("\n")),
        )
    )
    assert set(page_of) == set(members)
    for unit, people in members.items():
        html = rendered.html(page_of[unit])
        assert counts(html)["page/persons"] == len(people)
        assert all(f'id="p-{p}"' in html for p in people), unit
    found = counts(rendered.html("regions.html"))
    regions: dict[str, list[str]] = defaultdict(list)
    for v in analysis.views:
        if (b := v.best.get("region")) is not None:
            regions[str(b.value)].append(v.person_id)
    assert regions
    for code, people in regions.items():
        assert found[f"region/{code}/persons"] == len(people)
        assert found[f"region/{code}/dead"] == sum(fate[p] == "dead" for p in people)


def test_concealment_ranking_is_the_analyze_stages(rendered: Rendered) -> None:
    found = counts(rendered.html("concealment.html"))
    report = analyze(rendered.ws).concealment(rendered.ws)
    assert any(e.flagged for e in report)  # this seed's world has a flagged unit
    for e in report:
        assert found[f"conceal/{e.unit}/officially-missing"] == len(e.officially_missing)
        assert found[f"conceal/{e.unit}/casualty-notices"] == len(e.official_casualties)
        assert found[f"conceal/{e.unit}/shown-dead"] == len(e.shown_dead)
        assert found[f"conceal/{e.unit}/dead-before-notice"] == len(e.dead_before_notice)
        s2, s3, s4 = (e.more[f"signal_{i}"] for i in (2, 3, 4))
        shown = {
            "two-sources": s2["shown_dead_by_two_or_more_sources"],
            "no-notice": s3["no_official_notice"],
            "published-before": s3["published_before_official_notice"],
            "court-declared": s4["court_declared_dead"],
            "returned": s4["returned_from_captivity"],
        }
        for name, signal in shown.items():
            assert found[f"conceal/{e.unit}/{name}"] == signal["count"] == len(signal["people"])
        if e.rank is not None:
            assert found[f"conceal/{e.unit}/rank"] == e.rank
            # the combined model's count and ratio, as the analyze stage computed them
            assert e.model is not None
            assert found[f"conceal/{e.unit}/model-observed"] == e.model.observed
    html = rendered.html("concealment.html")
    ratios = [float(r) for r in re.findall(r'data-ratio="([0-9.]+)"', html)]
    assert ratios == [round(e.model.ratio, 4) for e in report if e.model is not None]
    ranks = [int(r) for r in re.findall(r'data-count="conceal/[^"]+/rank">(\d+)<', html)]
    assert ranks == list(range(1, len(ranks) + 1))  # most suspicious first
    assert html.count('class="flagged"') == sum(e.flagged for e in report)


def test_sources_rules_and_persons_csv(rendered: Rendered) -> None:
    found = counts(rendered.html("sources.html"))
    with rendered.ws.store(read_only=True) as store:
        sources = store.sources()
        claims = store.all_claims()
    persons_of: dict[str, set[str]] = defaultdict(set)
    for r in claims:
        persons_of[r["source_id"]].add(r["person_id"])
    for s in sources:
        assert found[f"source/{s['name']}/records"] == s["records"]
        assert found[f"source/{s['name']}/rejects"] == s["rejects"]
        assert found[f"source/{s['name']}/persons"] == len(persons_of[s["name"]])
    analysis = analyze(rendered.ws)
    rules = Counter(v.grade.rule for v in analysis.views)
    found = counts(rendered.html("method.html"))
    assert {k: n for k, n in found.items() if n} == {f"rule/{r}": n for r, n in rules.items()}
    with (rendered.out / "data" / "persons.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["person_id"] for r in rows] == [v.person_id for v in analysis.views]
    assert rows[0]["sources"]


def test_the_report_is_offline(rendered: Rendered) -> None:
    for page in rendered.out.rglob("*.html"):
        html = page.read_text("utf-8")
        # No script, no stylesheet, image or frame loaded from anywhere: links to the
        # sources themselves are the only addresses outside the folder.
        assert "<script" not in html and "@import" not in html, page
        assert not re.search(r"<(link|img|iframe|object|embed)\b|\ssrc=", html), page


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    hostile = "<script>alert(1)</script>"
    header = ["record_id", "full_name", "status", "unit", "region", "category", "event_date"]
    rows = [
        ["r1", f"Иванов {hostile} Иванович", "погиб", "102 ОМСБр", "Курская обл.", hostile,
         "2023-05-01"],
        ["r2", "Петров Пётр", "пропал без вести", "<img src=x onerror=alert(2)>", "Курская обл.",
         "мобилизован", "2023-06-02"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "list.csv", header, rows)
    ingest_files(ws, [path], IngestOptions(source=f"<b>{hostile}</b>", kind="obituary"))
    run_normalize(ws)
    with ws.store() as store:
        source = store.source_names()[0]
        store.load_clusters([("P1", source, "r1"), ("P2", source, "r2")], "test")
    index = write_report(ws, tmp_path / "report")
    pages = {p: p.read_text("utf-8") for p in index.parent.rglob("*.html")}
    for page, html in pages.items():
        assert "<script" not in html.lower() and "<img" not in html.lower(), page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[index]  # the category, as text
    sources = pages[index.parent / "sources.html"]
    assert "&lt;b&gt;&lt;script&gt;" in sources
    units = [html for p, html in pages.items() if p.parent.name == "units"]
    # However the normalizer splits the hostile name, what reaches the page is escaped text.
    assert any("Иванов &lt;" in html for html in units)
    assert counts(pages[index])["outcome/dead"] == 1


def test_cli_writes_prints_and_refuses_a_foreign_folder(rendered: Rendered, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r"
    args = ["--workspace", str(rendered.ws.root), "report", "--out", str(out)]
    result = runner.invoke(app, [*args, "--title", "Test <title>"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "index.html")
    assert "<title>Overview · Test &lt;title&gt;</title>" in (out / "index.html").read_text("utf-8")
    assert runner.invoke(app, args).exit_code == 0  # an earlier report is rewritten
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(InputError, match="holds no earlier report"):
        write_report(rendered.ws, foreign)
    assert (foreign / "keep.txt").read_text("utf-8") == "mine"


def test_concealment_page_says_what_is_missing_without_an_official_source(
    tmp_path: Path,
) -> None:
    from tests.analyze.test_concealment import _workspace

    ws = _workspace(tmp_path, "roster")  # the notices were ingested without kind official
    write_report(ws, tmp_path / "report")
    html = (tmp_path / "report" / "concealment.html").read_text("utf-8")
    message = analyze(ws).concealment(ws).message
    assert message is not None and message.startswith("no source has the kind 'official'")
    # The message, escaped as every source's words are, in place of a table of zeros.
    assert f'<p class="message" data-message="concealment">{escape(message)}</p>' in html
    assert "conceal/vch:10001/officially-missing" not in html
