"""The concealment report on a small workspace written by hand.

Four units of one type (``в/ч`` numbers), 20 persons each in an official notices list;
an obituary list (another independence group) shows some of the officially missing
killed. Unit 10001 calls 18 of its 20 casualties missing, its peers 8, 6 and 10 of 20;
the obituaries show about half of every unit's missing dead — so the shown-dead share
alone does not point at 10001 (10003's 4 of 6 is higher), the missing share does.
Nobody here is a real person: the names are made up from a number.
"""

from __future__ import annotations

import json
from math import comb
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import write_csv
from unaccounted.analyze import analyze
from unaccounted.analyze.concealment import ConcealmentReport
from unaccounted.analyze.missing_share import combine, share_test, wilson
from unaccounted.cli import app
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.workspace import Workspace

#: unit number → (missing shown dead by an obituary, missing not shown dead, killed)
UNITS = {10001: (8, 10, 2), 10002: (4, 4, 12), 10003: (4, 2, 14), 10004: (4, 6, 10)}
HEADER = ("record_id", "full_name", "birth_date", "status", "unit", "published")


def _rows() -> tuple[list[list[str]], list[list[str]]]:
    """(official notices, obituaries): one notice per person, an obituary for the shown dead."""
    notices: list[list[str]] = []
    obits: list[list[str]] = []
    i = 0
    for number, (shown, unseen, killed) in UNITS.items():
        for status, n in (("пропал без вести", shown + unseen), ("погиб", killed)):
            for j in range(n):
                i += 1
                person = [f"r{i}", f"Тестов{i:03d} Иван Петрович", f"1990-01-{1 + i % 28:02d}"]
                notices.append([*person, status, f"в/ч {number}", "2023-03-01"])
                if status != "погиб" and j < shown:
                    obits.append([*person, "погиб", f"в/ч {number}", "2023-04-01"])
    return notices, obits


def _workspace(root: Path, notices_kind: str) -> Workspace:
    ws = Workspace.init(root / "ws")
    notices, obits = _rows()
    for name, kind, rows in (("notices", notices_kind, notices), ("obits", "obituary", obits)):
        path = write_csv(root / f"{name}.csv", HEADER, rows)
        ingest_files(ws, [path], IngestOptions(source=name, kind=kind))
    run_normalize(ws)
    with ws.store() as store:
        clusters = [(f"P{r[0][1:]}", "notices", r[0]) for r in notices]
        clusters += [(f"P{r[0][1:]}", "obits", r[0]) for r in obits]
        store.load_clusters(clusters, "test")
    return ws


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ConcealmentReport:
    ws = _workspace(tmp_path_factory.mktemp("literal"), "official")
    return analyze(ws).concealment(ws)


def test_the_concealing_unit_ranks_first_and_is_flagged(report: ConcealmentReport) -> None:
    assert report.message is None
    # The combined model ranks: each unit's count is its missing notices plus those shown
    # dead (10001: 18 + 8 = 26; 10004: 14; 10002: 12; 10003: 10). After 10001 (flagged, left
    # out of the reference): 10004's 14 against the other two's rate 22/40 × 20 = 11, then
    # 10002's 12 against 12, then 10003's 10 against 13.
    assert [e.unit for e in report] == ["vch:10001", "vch:10004", "vch:10002", "vch:10003"]
    assert [e.rank for e in report] == [1, 2, 3, 4]
    # Only 10001 is flagged: its 18 of 20 against the peers' 24 of 60 (p ≈ 5e-6).
    assert [e.flagged for e in report] == [True, False, False, False]
    counts = [
        (len(e.official_casualties), len(e.officially_missing), len(e.shown_dead),
         len(e.dead_before_notice), e.known_dead)
        for e in report
    ]  # fmt: skip
    assert counts == [(20, 18, 8, 0, 10), (20, 10, 4, 0, 14), (20, 8, 4, 0, 16), (20, 6, 4, 0, 18)]
    # In the second pass a unit with two peers of its type left is compared with all units.
    assert [e.share_test.peers for e in report if e.share_test] == ["vch"] + ["all units"] * 3


def test_the_combined_model_counts_expects_and_flags(report: ConcealmentReport) -> None:
    from scipy.stats import poisson

    fits = [e.model for e in report]
    assert all(f is not None for f in fits)
    got = [(f.observed, f.expected, f.peers) for f in fits if f is not None]
    # 10001 against its three peers of type vch: (12 + 10 + 14) / 60 per notice × 20 = 12;
    # each other unit against the two reference units left (too few of its type: all units).
    assert got == [(26, 12.0, "vch"), (14, 11.0, "all units"), (12, 12.0, "all units"),
                   (10, 13.0, "all units")]  # fmt: skip
    # No obituary names an officially killed person: no unit's coverage can be measured, so
    # every coverage factor is 1 and the peers' shown dead count as they are.
    assert [f.coverage for f in fits if f is not None] == [1.0] * 4
    top = fits[0]
    assert top is not None
    # The three honest units vary less than Poisson: their fitted spread is the bound (a
    # Poisson in all but name), so 10001's p-value is the Poisson tail P(K >= 26 | 12).
    assert top.alpha == pytest.approx(1e4, rel=1e-3)
    assert top.p_value == pytest.approx(float(poisson.sf(25, 12.0)), rel=1e-2)
    assert top.q_value == pytest.approx(4 * top.p_value, rel=1e-9)  # BH: smallest of four
    # The ratio: posterior mean of θ under the prior fitted over all four units, shrunk
    # from 26/12 towards 1; its 95 % interval excludes 1.
    assert top.ratio == pytest.approx((top.spread + 26) / (top.spread + 12), rel=1e-9)
    assert 1 < top.interval[0] < top.ratio < 26 / 12 < top.interval[1]
    assert [e.flagged for e in report] == [True, False, False, False]
    d = report[0].as_dict()["model"]
    assert (d["observed"], d["expected"], d["flagged"]) == (26, 12.0, True)
    assert d["coverage_factor"] == 1.0


def test_the_missing_share_test_is_the_exact_binomial_against_peers(
    report: ConcealmentReport,
) -> None:
    top = report[0]
    assert top.share_test is not None
    # Peers: the three other в/ч units, 24 missing of 60 notices; their shares 0.4, 0.3 and
    # 0.5 vary less than binomial sampling would (dispersion 5/6), so the test is binomial.
    assert (top.share_test.peers, top.share_test.peer_units) == ("vch", 3)
    assert top.share_test.peer_share == pytest.approx(0.4)
    assert top.share_test.dispersion == pytest.approx(5 / 6)
    exact = sum(comb(20, k) * 0.4**k * 0.6 ** (20 - k) for k in (18, 19, 20))
    assert top.share_test.p_value == pytest.approx(exact, rel=1e-9)
    assert top.evidence_p is not None and top.p_value is not None
    assert top.p_value == pytest.approx(combine(top.evidence_p, exact), rel=1e-9)
    assert top.missing_share_interval == wilson(18, 20)
    # The independent evidence alone would not rank 10001 first: 10003's 4 of 6 is stronger.
    by_evidence = min(report, key=lambda e: e.evidence_p or 1.0)
    assert by_evidence.unit == "vch:10003"
    shown = by_evidence.evidence_tests["shown"]
    assert shown is not None and (shown.peer_units, shown.peer_share) == (2, pytest.approx(8 / 18))
    exact = sum(comb(6, k) * (8 / 18) ** k * (10 / 18) ** (6 - k) for k in (4, 5, 6))
    assert by_evidence.tests["shown"] == (2.5, pytest.approx(exact, rel=1e-9))
    assert by_evidence.evidence_p == pytest.approx(2 * exact, rel=1e-9)


def test_hidden_deaths_per_known_death(report: ConcealmentReport) -> None:
    signals = report[0].as_dict()["signals"]
    # 8 shown dead of 10 known deaths (2 killed in notices + the 8).
    assert signals["hidden_deaths"] == 8 and signals["known_deaths"] == 10
    assert signals["hidden_per_known_death"] == 0.8
    assert signals["missing_share"] == 0.9
    assert signals["official_casualty_notices"] == 20


def test_without_an_official_source_the_command_says_so_in_one_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "roster")
    expected = (
        "no source has the kind 'official' (sources: notices (roster), obits (obituary)), "
        "so no notice says who is officially missing; re-ingest the official notices with "
        "'unaccounted ingest FILE --kind official' (or 'kind: official' in the file's mapping)"
    )
    report = analyze(ws).concealment(ws)
    assert report.message == expected
    runner = CliRunner()
    text = runner.invoke(app, ["--workspace", str(ws.root), "concealment"])
    assert text.exit_code == 0 and text.stdout == expected + "\n"  # one line, no table
    as_json = runner.invoke(app, ["--workspace", str(ws.root), "concealment", "--json"])
    assert json.loads(as_json.stdout) == {"message": expected, "units": []}


def test_too_few_officially_missing_says_which_setting(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "official")
    ws.settings.resolve.concealment_min_missing = 19
    report = analyze(ws).concealment(ws)
    assert report.message == (
        "no unit has 19 officially missing persons (the most: 18 in vch:10001), too few to "
        "rank; add official notices or independent sources, or lower the setting "
        "resolve.concealment_min_missing"
    )


def test_share_test_falls_back_to_all_units_when_a_type_has_few() -> None:
    # Two peers of the unit's type are too few: every other unit is a peer.
    reference = {"omsbr:1": (9, 10), "omsbr:2": (4, 10), "omsbr:3": (4, 10), "tp:1": (2, 10)}
    found = share_test("omsbr:1", 9, 10, reference)
    assert found is not None and (found.peers, found.peer_units) == ("all units", 3)
    assert found.peer_share == pytest.approx(10 / 30)


def test_a_confirmed_falsified_mia_report_flags_its_unit_without_changing_the_tests(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path, "official")
    a = analyze(ws)
    plain = a.concealment(ws)
    # signal 6 for 10002 (ranked third, not flagged), by a key of its alias group; an
    # unverified report for 10003; one for a unit nobody in the records served in
    falsified = {
        "vch:10002": [("I-7", "confirmed"), ("I-9", "unverified")],
        "vch:10003": [("I-8", "unverified")],
        "vch:55555": [("I-6", "confirmed")],
    }
    got = a.concealment(ws, falsified)
    by_unit = {e.unit: e for e in got}
    assert by_unit["vch:10002"].signals()["signal_6"] == {
        "falsified_mia_reports": 2, "confirmed": 1,
        "incidents": [{"id": "I-7", "grade": "confirmed"}, {"id": "I-9", "grade": "unverified"}],
    }  # fmt: skip
    # a confirmed report flags its unit; an unverified one does not
    assert [(e.unit, e.flagged) for e in got] == [
        ("vch:10001", True),
        ("vch:10004", False),
        ("vch:10002", True),
        ("vch:10003", False),
    ]
    # the tests and the order are those of the report without it
    assert [(e.unit, e.p_value, e.q_value) for e in got] == [
        (e.unit, e.p_value, e.q_value) for e in plain]  # fmt: skip
    assert "vch:55555" not in by_unit
    assert plain[2].signals()["signal_6"]["falsified_mia_reports"] == 0
