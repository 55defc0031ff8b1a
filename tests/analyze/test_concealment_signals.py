"""Signals 2–4 of the concealment report on a small workspace written by hand.

Unit в/ч 20001: six persons an official notice (2023-03-01) calls missing, one it calls
killed; two obituary lists, a court's list and a news list of returns from captivity.

- A1: killed in both obituary lists (2023-03-11 and 2023-04-10) — two sources, 10 days;
- A2: killed in the first obituary list on 2023-02-20 — before the notice, −9 days;
- A3: killed in the second obituary list on 2023-05-01 — 61 days;
- A4: declared dead by a court; A5: returned from captivity; A6: nothing else;
- B1: the official notice says killed, the first obituary list published it first;
- C1: killed in the first obituary list, no official notice at all.

Nobody here is a real person: the names are made up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import write_csv
from unaccounted.analyze import analyze
from unaccounted.cli import app
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.workspace import Workspace

HEADER = ("record_id", "full_name", "birth_date", "status", "unit", "published")
NAMES = {
    "A1": "Пробный Антон Ильич",
    "A2": "Пробный Борис Ильич",
    "A3": "Пробный Вадим Ильич",
    "A4": "Пробный Глеб Ильич",
    "A5": "Пробный Денис Ильич",
    "A6": "Пробный Егор Ильич",
    "B1": "Пробный Жан Ильич",
    "C1": "Пробный Захар Ильич",
}
#: source → kind, rows (person, status, published)
SOURCES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "notices": (
        "official",
        [(p, "пропал без вести", "2023-03-01") for p in ("A1", "A2", "A3", "A4", "A5", "A6")]
        + [("B1", "погиб", "2023-03-01")],
    ),
    "obits": (
        "obituary",
        [
            ("A1", "погиб", "2023-03-11"),
            ("A2", "погиб", "2023-02-20"),
            ("B1", "погиб", "2023-02-25"),
            ("C1", "погиб", "2023-03-05"),
        ],
    ),
    "memorial": ("memorial_list", [("A1", "погиб", "2023-04-10"), ("A3", "погиб", "2023-05-01")]),
    "court": ("court", [("A4", "признан умершим", "2023-09-01")]),
    "news": ("news", [("A5", "вернулся из плена", "2023-06-01")]),
}


def _workspace(root: Path) -> Workspace:
    ws = Workspace.init(root / "ws")
    clusters = []
    for source, (kind, rows) in SOURCES.items():
        lines = [
            [f"{source}-{p}", NAMES[p], "1990-05-05", status, "в/ч 20001", published]
            for p, status, published in rows
        ]
        path = write_csv(root / f"{source}.csv", HEADER, lines)
        ingest_files(ws, [path], IngestOptions(source=source, kind=kind))
        clusters += [(p, source, f"{source}-{p}") for p, _, _ in rows]
    run_normalize(ws)
    with ws.store() as store:
        store.load_clusters(clusters, "test")
    return ws


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return _workspace(tmp_path_factory.mktemp("signals"))


@pytest.fixture(scope="module")
def signals(ws: Workspace) -> dict[str, Any]:
    report = analyze(ws).concealment(ws)
    assert report.message is None and [e.unit for e in report] == ["vch:20001"]
    return report[0].signals()


def test_signal_2_two_sources_and_the_delay(signals: dict[str, Any]) -> None:
    two = signals["signal_2"]["shown_dead_by_two_or_more_sources"]
    assert (two["count"], two["of"], two["people"]) == (1, 6, ["A1"])
    assert two["claims"] == ["memorial/memorial-A1", "obits/obits-A1"]
    assert two["interval_95"] == [0.0301, 0.5635]
    delay = signals["signal_2"]["days_notice_to_first_death_report"]
    # A2 −9, A1 10, A3 61: three delays are too few for a 95 % interval of the median.
    assert delay == {
        "persons": 3,
        "median": 10.0,
        "interval_95": None,
        "peers_median": None,
        "people": ["A1", "A2", "A3"],
    }


def test_signal_3_deaths_without_or_before_the_notice(signals: dict[str, Any]) -> None:
    s3 = signals["signal_3"]
    # Independently reported dead: A1, A2, A3, B1, C1.
    assert s3["independently_reported_dead"] == 5
    none = s3["no_official_notice"]
    assert (none["count"], none["people"], none["claims"]) == (1, ["C1"], ["obits/obits-C1"])
    before = s3["published_before_official_notice"]
    assert (before["count"], before["people"]) == (2, ["A2", "B1"])
    assert before["claims"] == ["obits/obits-A2", "obits/obits-B1"]
    assert before["share"] == 0.4


def test_signal_4_evidence_the_other_way(signals: dict[str, Any]) -> None:
    court = signals["signal_4"]["court_declared_dead"]
    assert (court["count"], court["of"], court["people"]) == (1, 6, ["A4"])
    assert court["claims"] == ["court/court-A4"]
    back = signals["signal_4"]["returned_from_captivity"]
    assert (back["count"], back["people"], back["claims"]) == (1, ["A5"], ["news/news-A5"])


def test_the_signals_are_in_the_json_and_the_table(ws: Workspace) -> None:
    runner = CliRunner()
    as_json = runner.invoke(app, ["--workspace", str(ws.root), "concealment", "--json"])
    assert as_json.exit_code == 0
    unit = json.loads(as_json.stdout)[0]
    assert unit["signals"]["signal_4"]["returned_from_captivity"]["people"] == ["A5"]
    table = runner.invoke(app, ["--workspace", str(ws.root), "concealment", "--people"])
    assert table.exit_code == 0
    assert (
        "      signals 2-4: shown dead by 2+ sources 1/6; days notice to first death report "
        "median 10 (3 persons); dead with no official notice 1; published before the notice 2; "
        "court-declared dead 1/6; returned from captivity 1/6\n"
    ) in table.stdout
    assert "      returned from captivity: A5\n" in table.stdout
