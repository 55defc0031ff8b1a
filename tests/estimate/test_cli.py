"""``unaccounted estimate`` through Typer's runner and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unaccounted.cli import app

REF = Path("/work/shared/reference/mse")
runner = CliRunner()


def test_json_contract() -> None:
    res = runner.invoke(app, ["estimate", str(REF / "Korea.csv"), "--model", "b:c + d", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in (
        "observed",
        "estimate",
        "lower",
        "upper",
        "method",
        "model",
        "diagnostics",
        "warnings",
    ):
        assert key in data
    assert data["observed"] == 123
    assert round(data["estimate"], 2) == 268.78  # package vignette (Korea, b:c)
    assert data["method"] == "loglinear"


def test_table_output() -> None:
    res = runner.invoke(app, ["estimate", str(REF / "Korea.csv"), "--method", "dga"])
    assert res.exit_code == 0
    assert "observed" in res.stdout and "95% interval" in res.stdout


def test_searched_with_bootstrap() -> None:
    args = ["estimate", str(REF / "Korea.csv"), "--max-order", "2", "--nboot", "20", "--json"]
    data = json.loads(runner.invoke(app, args).stdout)
    assert round(data["estimate"]) == 157
    assert data["lower"] <= data["estimate"] <= data["upper"]


def test_refusal_exits_1() -> None:
    res = runner.invoke(app, ["estimate", str(REF / "Artificial_3.csv"), "--model", "A:B + C"])
    assert res.exit_code == 1


def test_no_file_is_an_error() -> None:
    res = runner.invoke(app, ["estimate"])
    assert res.exit_code == 2


def test_unknown_method() -> None:
    res = runner.invoke(app, ["estimate", str(REF / "Korea.csv"), "--method", "magic"])
    assert res.exit_code == 2


@pytest.mark.slow
def test_subprocess_bad_table(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,count\n1,0,3\n1,0,2\n0,1,1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "unaccounted", "estimate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error:")
    assert "repeat the same history" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_subprocess_missing_file() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "unaccounted", "estimate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "file is required" in proc.stderr


@pytest.mark.slow
def test_compare_json() -> None:
    res = runner.invoke(
        app, ["estimate", str(REF / "Korea.csv"), "--compare", "--json", "--nboot", "20"]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    labels = [r["label"] for r in rows]
    assert "lcmcr" in labels and "dga" in labels and "loglinear: downhill BIC" in labels
