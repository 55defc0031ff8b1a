"""The one-shot contract: dedupe RECORDS.csv --out CLUSTERS.csv, no workspace."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.evaluate import score_clusters

from ..conftest import run_subprocess, write_csv

SOURCES = ("mod_notices", "obituaries", "social_posts", "latin_list")


def combined(world: Path, out: Path) -> dict[str, str]:
    """One canonical CSV of several simulated sources; returns record_id → true person."""
    truth = {}
    with (world / "simulated" / "truth" / "records.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["source"] in SOURCES:
                truth[r["record_id"]] = r["person_id"]
    rows: list[dict[str, str]] = []
    for name in SOURCES:
        with (world / "simulated" / "sources" / f"{name}.csv").open(encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    header = sorted({k for r in rows for k in r})
    write_csv(out, header, [[r.get(h, "") for h in header] for r in rows])
    return truth


@pytest.mark.slow
def test_dedupe_writes_a_person_for_every_record(world: Path, tmp_path: Path) -> None:
    truth = combined(world, tmp_path / "records.csv")
    result = CliRunner().invoke(
        app, ["dedupe", str(tmp_path / "records.csv"), "--out", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "out.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["record_id", "person_id"]
        predicted = dict(reader)
    assert set(predicted) == set(truth)  # every input record, once
    assert score_clusters(truth, predicted).pairwise_f1 >= 0.95


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["full_name", "birth_date"], "lacks the column(s) record_id (has: full_name, birth_date)"),
        (["record_id", "birth_date"], "lacks the column(s) full_name or surname or given_name"),
    ],
)
def test_dedupe_names_the_missing_columns(tmp_path: Path, header: list[str], message: str) -> None:
    path = write_csv(tmp_path / "r.csv", header, [["a", "b"]])
    result = run_subprocess("dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert not (tmp_path / "o.csv").exists()


def test_dedupe_refuses_repeated_record_ids(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["record_id", "full_name"], [["1", "A"], ["1", "B"]])
    result = run_subprocess("dedupe", str(path), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 2
    assert "record_id '1' appears more than once" in result.stderr
