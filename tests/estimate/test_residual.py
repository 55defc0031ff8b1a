"""Strata that cannot be estimated pooled into a residual stratum; the unstratified check."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.demo import run_demo
from unaccounted.estimate.from_workspace import missing_only_note
from unaccounted.estimate.residual import (
    RunsEstimate,
    add_unseen,
    estimate_runs,
    overlap_note,
    residual_rows,
)
from unaccounted.estimate.strata import MethodChoice

RESIDUAL = RunsEstimate(300.0, 250.0, 420.0, 200.0, "a + b + c", 20)


def test_the_residual_unseen_are_added_with_half_widths_in_quadrature() -> None:
    # 100 unseen in the residual; lower side sqrt(100² + 50²), upper sqrt(200² + 120²)
    est, lo, hi = add_unseen((1000.0, 900.0, 1200.0), RESIDUAL)
    assert est == 1100.0
    assert lo == pytest.approx(1100 - math.hypot(100, 50))
    assert hi == pytest.approx(1100 + math.hypot(200, 120))


def test_overlapping_intervals_give_the_difference_and_no_warning() -> None:
    whole = RunsEstimate(1100.0, 1150.0, 1300.0, 800.0, "", 1)  # [1,150-1,300] meets [900-1,200]
    assert overlap_note((1000.0, 900.0, 1200.0), whole) == (-100.0, None)


def test_disjoint_intervals_are_flagged_with_the_difference() -> None:
    diff, note = overlap_note((1000.0, 900.0, 1200.0), RunsEstimate(1500, 1300, 1800, 800, "", 1))
    assert diff == -500.0
    assert note == (
        "the stratified total 1,000 [900–1,200] and the unstratified estimate 1,500 "
        "[1,300–1,800] disagree (difference -500): the strata's models and the whole "
        "table's tell different stories"
    )


def test_sparse_strata_pooled_give_an_estimate_none_gives_alone() -> None:
    # three lists (bits a = 1, b = 2, c = 4); two strata of 20-odd persons that each see
    # nobody on a and c together, pooled into one table where every pair overlaps
    s1 = np.array([0, 8, 6, 2, 5, 0, 1, 1], dtype=np.int64)
    s2 = np.array([0, 7, 5, 1, 6, 2, 0, 0], dtype=np.int64)
    rows = residual_rows([np.stack([s1, s2])], [0, 1])
    assert rows[0].tolist() == [0, 15, 11, 3, 11, 2, 1, 1]
    got = estimate_runs(rows, ("a", "b", "c"), MethodChoice())
    assert isinstance(got, RunsEstimate)
    assert got.documented == 44.0 and got.runs == 1
    assert got.lower <= got.estimate <= got.upper


@pytest.mark.slow
def test_by_unit_on_the_demo_overlaps_the_unstratified_estimate(tmp_path: Path) -> None:
    # The demo world (3,000 persons, seed 1; 1,639 dead): 114 of 262 units cannot be
    # estimated alone. Pooled into a residual stratum, the total by unit (1,478
    # [1,179-2,692] when measured) overlaps the unstratified estimate (1,527 [1,359-1,738]);
    # adding those units with nothing unseen gave 1,190 [1,098-1,318], which did not.
    run = run_demo(tmp_path / "demo", persons=3000, seed=1, report=lambda _: None)
    assert run.workspace is not None
    res = CliRunner().invoke(
        app, ["-w", str(run.workspace.root), "estimate", "--by", "unit", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    total, whole = data["total"], data["unstratified"]
    assert data["residual"] is not None
    assert total["lower"] <= whole["upper"] and whole["lower"] <= total["upper"]
    assert total["warnings"][0].startswith("114 strata could not be estimated on their own")
    # Many of the demo's persons are only ever reported missing: the dead-and-missing
    # estimate is offered as the one to lead with, and not when it is the one asked for.
    assert re.fullmatch(r"[\d,]+ persons are only ever reported missing, \d+% as many as the "
                        r"[\d,]+ documented dead; .* \(--include-missing\) and say that it "
                        r"counts both", total["warnings"][-1])  # fmt: skip
    res = CliRunner().invoke(
        app, ["-w", str(run.workspace.root), "estimate", "--include-missing", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert not [w for w in json.loads(res.stdout)["total"]["warnings"] if "only ever" in w]


def test_persons_only_reported_missing_put_the_dead_and_missing_estimate_first() -> None:
    ten_dead = {f"d{i}": {"dead"} for i in range(10)}
    # A person with a missing and a dead record is dead, not missing only.
    assert missing_only_note({**ten_dead, "m": {"missing", "dead"}}) is None
    assert missing_only_note({**ten_dead, "a": {"alive"}, "c": {"captured"}}) is None
    assert missing_only_note({"m": {"missing"}}) is None  # nobody documented dead
    assert missing_only_note({**ten_dead, "m": {"missing"}}) == (
        "1 persons are only ever reported missing, 10% as many as the 10 documented dead; "
        "where deaths are reported as missing (see 'unaccounted concealment'), lead with the "
        "estimate of the dead and missing (--include-missing) and say that it counts both"
    )
    nine = {k: v for k, v in ten_dead.items() if k != "d0"} | {"x": {"missing", "captured"}}
    assert missing_only_note(nine) is not None  # 1 of 9 dead: above a tenth
