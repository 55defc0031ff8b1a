"""``unaccounted estimate --method lcmcr``: no number from chains that did not converge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unaccounted.cli import app

runner = CliRunner()
SHORT = ["--method", "lcmcr", "--iterations", "300", "--burn-in", "100", "--thin", "1"]
SHORT += ["--chains", "2", "--seed", "1"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    # 91 people on three lists (the table of test_lcmcr.SMALL)
    rows = ["a,b,c,count", "1,0,0,30", "0,1,0,25", "1,1,0,6", "0,0,1,20", "1,0,1,5", "0,1,1,4"]
    rows.append("1,1,1,1")
    path = tmp_path / "small.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_unconverged_chains_exit_1_without_an_estimate(small: Path) -> None:
    res = runner.invoke(app, ["estimate", str(small), *SHORT, "--json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    # the diagnostics, and no point estimate or interval
    assert set(data) == {"refused", "diagnostics"}
    assert data["refused"].startswith("the chains did not converge (N: R-hat")
    assert data["diagnostics"]["converged"] is False
    assert data["diagnostics"]["kept_draws"] == 400  # 2 chains x 200 kept
    assert "error: estimate refused: the chains did not converge" in res.stderr


def test_accept_unconverged_prints_the_figures_with_a_warning(small: Path) -> None:
    res = runner.invoke(app, ["estimate", str(small), *SHORT, "--json", "--accept-unconverged"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["diagnostics"]["converged"] is False
    assert data["warnings"][0].startswith("the chains did not converge (")
    assert data["lower"] < data["estimate"] < data["upper"]
