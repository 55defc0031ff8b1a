"""Dead among the missing on a small workspace written by hand, and the model's parts.

Four units of one type (``в/ч`` numbers) in an official notices list. Units 20001 and
20002 each call 8 persons missing: an obituary (another independence group) shows 4 of
them killed a month after the notice, a relatives' post still calls the other 4 missing
100 days after it. Unit 20003 calls 3 missing, and a post says all 3 are in captivity.
Unit 20004 has no missing: 3 killed, all in obituaries. Nobody here is a real person: the
names are made up from a number.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.conftest import write_csv
from unaccounted.analyze import analyze
from unaccounted.analyze.dead_among_missing import (
    ALL,
    Model,
    _dead_chance,
    _pools,
    fit,
    fit_prior,
    gather,
    read_person,
    survival,
)
from unaccounted.cli import app
from unaccounted.cli.estimate_cmds import _stratum_cells
from unaccounted.errors import InputError, UnaccountedError
from unaccounted.estimate.stratified import StrataResult, StratumEstimate
from unaccounted.estimate.with_missing import add_dead_among_missing
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.rules import default_rules
from unaccounted.workspace import Workspace

HEADER = ("record_id", "full_name", "birth_date", "status", "unit", "published")
MISSING, KILLED, CAPTURED = "пропал без вести", "погиб", "в плену"
#: unit number → (missing shown dead, missing still called missing, missing captured, killed)
UNITS = {20001: (4, 4, 0, 0), 20002: (4, 4, 0, 0), 20003: (0, 0, 3, 0), 20004: (0, 0, 0, 3)}
runner = CliRunner()


def _rows() -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {"notices": [], "obits": [], "posts": []}
    i = 0
    for number, (shown, still, captured, killed) in UNITS.items():
        unit = f"в/ч {number}"
        kinds = ["shown"] * shown + ["still"] * still + ["captured"] * captured
        for what in [*kinds, *["killed"] * killed]:
            i += 1
            person = [f"r{i}", f"Тестов{i:03d} Иван Петрович", f"1990-01-{1 + i % 28:02d}"]
            status = KILLED if what == "killed" else MISSING
            out["notices"].append([*person, status, unit, "2023-03-01"])
            if what in ("shown", "killed"):
                out["obits"].append([*person, KILLED, unit, "2023-04-01"])
            elif what == "still":
                out["posts"].append([*person, MISSING, unit, "2023-06-09"])
            else:
                out["posts"].append([*person, CAPTURED, unit, "2023-05-01"])
    return out


def _workspace(root: Path) -> Workspace:
    ws = Workspace.init(root / "ws")
    rows = _rows()
    kinds = {"notices": "official", "obits": "obituary", "posts": "social"}
    for name, kind in kinds.items():
        path = write_csv(root / f"{name}.csv", HEADER, rows[name])
        ingest_files(ws, [path], IngestOptions(source=name, kind=kind))
    run_normalize(ws)
    with ws.store() as store:
        clusters = [(f"P{r[0][1:]}", name, r[0]) for name in kinds for r in rows[name]]
        store.load_clusters(clusters, "test")
    return ws


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return _workspace(tmp_path_factory.mktemp("literal"))


@pytest.fixture(scope="module")
def model(ws: Workspace) -> Model:
    a = analyze(ws)
    return fit(gather(a.views, a.units, a.rules), seed=3)


def test_each_unit_counts_its_missing(model: Model) -> None:
    got = {
        u: (g.officially_missing, g.shown_dead, g.returned, g.open) for u, g in model.units.items()
    }
    # 20004 has no missing and is not listed; 20003's three are all back from captivity
    assert got == {
        "vch:20001": (8, 4, 0, 4),
        "vch:20002": (8, 4, 0, 4),
        "vch:20003": (3, 0, 3, 0),
    }


def test_a_unit_whose_missing_all_returned_has_no_dead(model: Model) -> None:
    g = model.units["vch:20003"]
    assert (g.estimate, g.lower, g.upper) == (0.0, 0.0, 0.0)


def test_the_estimate_is_the_shown_dead_plus_each_open_persons_chance(model: Model) -> None:
    g = model.units["vch:20001"]
    # 4 shown dead count whole; each of the 4 open persons, quiet 100 days after the notice,
    # is dead with π S(100) / (π S(100) + 1 - π) at the unit's pooled dead share π
    assert g.dead_share is not None
    s100 = float(survival(np.array([100.0]), model.theta)[0])
    p = g.dead_share * s100 / (g.dead_share * s100 + 1 - g.dead_share)
    assert g.estimate == pytest.approx(4 + 4 * p, abs=1e-3)
    # Every shown death was revealed within 31 days of the notice, and the open persons were
    # still called missing after 100: the fitted revelation curve leaves S(100) ~ 0, so
    # they count as alive and the estimate is the 4 shown dead.
    assert s100 < 1e-6
    assert g.estimate == pytest.approx(4.0, abs=1e-6)
    # π: (α + 4) / (α + β + 8) with the Beta prior fitted on the three units' 4 of 8, 4 of 8
    # and 0 of 3 (regression figure of the fit; its last digit moves with the machine)
    assert g.dead_share == pytest.approx(0.4212, abs=2e-4)
    # fewer than 3 units with 30 missing: every unit is in the one pool of all units
    assert g.pool == ALL
    # the interval counts persons: at least the 4 shown dead, at most all 8
    assert 4.0 <= g.lower <= g.estimate <= g.upper <= 8.0
    # the two units' data are the same, so are their estimates
    assert model.units["vch:20002"].estimate == pytest.approx(g.estimate, abs=1e-9)


def test_by_period_sums_the_units(model: Model) -> None:
    groups = model.groups(lambda m: "2023-Q1")
    g = groups["2023-Q1"]
    assert (g.officially_missing, g.shown_dead, g.returned, g.open) == (19, 8, 3, 8)
    assert g.estimate == pytest.approx(2 * model.units["vch:20001"].estimate, abs=1e-9)


def _claim(source: str, kind: str, status: str, day: str, group: str | None = None) -> Claim:
    return Claim("P1", source, "r1", kind, group or source, status=status,
                 published=dt.date.fromisoformat(day))  # fmt: skip


def test_read_person_measures_days_from_the_notice() -> None:
    claims = [
        _claim("mod", "official", "missing", "2023-03-01"),
        _claim("posts", "social", "missing", "2023-03-21"),
        _claim("posts2", "social", "missing", "2023-03-11"),
        _claim("obits", "obituary", "killed", "2023-05-30"),
    ]  # fmt: skip
    m = read_person("P1", claims, "vch:1", default_rules())
    assert m is not None
    # latest independent claim still saying missing: 20 days; first death claim: 90 days
    assert (m.official, m.shown_dead, m.stated_dead, m.returned) == (True, True, True, False)
    assert (m.quiet, m.revealed) == (20, 90)
    # a claim in the notice's own independence group is not independent evidence
    same = [
        _claim("mod", "official", "missing", "2023-03-01"),
        _claim("copy", "obituary", "killed", "2023-04-01", group="mod"),
    ]  # fmt: skip
    got = read_person("P2", same, None, default_rules())
    assert got is not None and (got.shown_dead, got.stated_dead, got.revealed) == (
        False,
        True,
        None,
    )
    nobody = [_claim("mod", "official", "killed", "2023-03-01")]
    assert read_person("P3", nobody, None, default_rules()) is None


def test_model_parts() -> None:
    # Weibull with scale e^0 = 1 day and shape e^0 = 1: S(t) = exp(-t)
    assert survival(np.array([0.0, 2.0]), np.array([0.0, 0.0])).tolist() == [1.0, math.exp(-2)]
    # π = 1/2, S = 1/2: (1/4) / (1/4 + 1/2) = 1/3
    assert _dead_chance(np.array([0.5]), np.array([0.5]))[0] == pytest.approx(1 / 3)
    # one unit: its share with a prior worth two persons
    assert fit_prior(np.array([3.0]), np.array([4.0])) == pytest.approx((1.5, 0.5))
    sizes = {"vch:1": 10, "vch:2": 10, "vch:3": 10, "vch:4": 5, "abr:1": 40}
    assert _pools(sizes, {"vch:4"}) == {
        "vch:1": "vch, not flagged",
        "vch:2": "vch, not flagged",
        "vch:3": "vch, not flagged",
        "vch:4": ALL,  # the only flagged unit
        "abr:1": "not flagged",  # one abr unit: the units of its flag
    }


def test_bad_input_is_one_line(ws: Workspace) -> None:
    a = analyze(ws)
    with pytest.raises(InputError, match="draws of dead among the missing must be 1 or more"):
        fit(gather(a.views, a.units, a.rules), draws=0)
    for args, message in (
        (["dead-among-missing", "--by", "quarter"],
         "unknown grouping 'quarter'; choose one of unit, period, region"),
        (["estimate", "--dead-among-missing", "--include-missing", "--draws", "0"],
         "--dead-among-missing adds to the stated-dead estimate; leave out --include-missing"),
        # no record gives an event date: no death can be placed in a week of the nowcast
        # (2023-04-01 is the latest publication, the nowcast's as-of day)
        (["estimate", "--by", "period", "--draws", "0", "--reporting-delay"],
         "--reporting-delay needs a nowcast of the deaths: no death with an event date was "
         "known on or before 2023-04-01"),
    ):  # fmt: skip
        result = runner.invoke(app, ["--workspace", str(ws.root), *args])
        assert result.exit_code != 0
        assert isinstance(result.exception, UnaccountedError)
        assert str(result.exception) == message


def test_the_command_prints_json(ws: Workspace) -> None:
    result = runner.invoke(app, ["--workspace", str(ws.root), "dead-among-missing", "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["by"] == "unit" and got["draws"] == 2000
    assert [g["name"] for g in got["groups"]] == ["vch:20001", "vch:20002", "vch:20003"]
    assert got["groups"][2]["dead_among_missing"] == 0.0
    assert got["groups"][2]["interval_95"] == [0.0, 0.0]


def _result(strata: list[StratumEstimate], total: StratumEstimate) -> StrataResult:
    return StrataResult("period", "loglinear", ("a", "b", "c"), 0, strata, total, "")


def test_the_step_adds_what_the_unseen_part_does_not_hold() -> None:
    flat = StratumEstimate("2023-Q1", 90, 100.0, 100.0, 100.0, model="m")
    refused = StratumEstimate("2023-Q2", 4, reason="fewer than three lists")
    total = StratumEstimate("total", 94, 110.0, 110.0, 110.0, model="t")
    added = {
        "2023-Q1": np.tile([0.0, 10.0], 500),  # mean 5, interval [0, 10]
        "2023-Q2": np.full(1000, 2.0),
        "(unknown)": np.full(1000, 1.0),
    }
    res = add_dead_among_missing(_result([flat, refused], total), added)
    # an interval of no width draws its estimate every time; the unseen part of 100 with
    # 90 documented holds a tenth of the drawn dead, so 0.9 of each draw is added
    assert (flat.estimate, flat.lower, flat.upper) == pytest.approx((104.5, 100.0, 109.0))
    assert flat.dead_among_missing == {
        "expected": 5.0, "interval_95": [0.0, 10.0], "overlap_with_unseen": 0.5,
        "added": 4.5, "share_of_estimate": round(4.5 / 104.5, 4),
    }  # fmt: skip
    # a stratum with no estimate says what would be added, and keeps no estimate
    assert refused.estimate is None
    assert refused.dead_among_missing == {
        "expected": 2.0, "interval_95": [2.0, 2.0], "overlap_with_unseen": None,
        "added": None, "share_of_estimate": None,
    }  # fmt: skip
    # the total takes every stratum's, the unknown stratum's too: (5 + 2 + 1) on average,
    # each draw times the total's documented share 94 / 110
    kept = 94 / 110
    assert (total.estimate, total.lower, total.upper) == pytest.approx(
        (110 + 8 * kept, 110 + 3 * kept, 110 + 13 * kept)
    )
    assert res.total.warnings == [
        "1.0 expected dead among the missing of no known stratum are in the total only"
    ]
    assert res.to_dict()["strata"][0]["dead_among_missing"]["added"] == 4.5
    # the text form says what was added of what the model expects
    assert _stratum_cells(flat)[-1] == "+4.5 of 5.0 dead among missing"


def test_a_fully_documented_stratum_adds_every_drawn_dead() -> None:
    # the estimate equals the documented dead: its unseen part is empty and holds none
    seen_all = StratumEstimate("2023-Q1", 50, 50.0, 50.0, 50.0, model="m")
    total = StratumEstimate("total", 50, 50.0, 50.0, 50.0, model="t")
    add_dead_among_missing(_result([seen_all], total), {"2023-Q1": np.full(10, 3.0)})
    assert (seen_all.estimate, seen_all.lower, seen_all.upper) == pytest.approx((53.0, 53.0, 53.0))
    assert seen_all.dead_among_missing is not None
    assert seen_all.dead_among_missing["overlap_with_unseen"] == 0.0
    assert seen_all.dead_among_missing["share_of_estimate"] == round(3 / 53, 4)


def test_the_estimate_command_says_what_the_step_added(ws: Workspace) -> None:
    args = ["--workspace", str(ws.root), "estimate", "--draws", "0", "--json"]
    result = runner.invoke(app, [*args, "--dead-among-missing"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    step = got["total"]["dead_among_missing"]
    # two lists record deaths (notices and obituaries): the one stratum has no estimate and
    # says what would be added; the total is its 11 documented dead with nothing unseen, so
    # no drawn dead is held there twice and all 2.381 expected (8 open persons) are added
    assert got["strata"][0]["estimable"] is False
    assert got["strata"][0]["dead_among_missing"]["added"] is None
    # (regression figures of the fitted prior: the last digit moves with the machine's
    # floating point, so they are compared to within 0.002)
    assert (step["interval_95"], step["overlap_with_unseen"]) == ([0.0, 6.0], 0.0)
    assert (step["expected"], step["added"]) == (pytest.approx(2.381, abs=2e-3),) * 2
    assert step["share_of_estimate"] == pytest.approx(0.1779, abs=2e-4)
    assert set(step) == {"expected", "interval_95", "overlap_with_unseen", "added",
                         "share_of_estimate"}  # fmt: skip
    assert (got["total"]["lower"], got["total"]["upper"]) == (11.0, 17.0)
    assert got["total"]["estimate"] == pytest.approx(13.381, abs=2e-3)
