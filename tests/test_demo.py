"""The demo builds a workspace from a simulated world and loses no simulated row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from unaccounted.demo import MARKER, run_demo
from unaccounted.errors import InputError


def test_demo_ingests_every_simulated_row(tmp_path: Path) -> None:
    lines: list[str] = []
    run = run_demo(tmp_path / "demo", persons=300, seed=3, report=lines.append)
    truth = list(csv.DictReader((run.simulated / "truth" / "records.csv").open(encoding="utf-8")))
    sources = sorted((run.simulated / "sources").glob("*.csv"))
    assert run.workspace is not None
    with run.workspace.store() as store:
        counts = store.counts()
    # Every row of every simulated source is a record or a reject: nothing lost.
    assert counts["records"] + counts["rejects"] == len(truth)
    assert counts["sources"] == len(sources)
    assert lines[0].startswith("simulated 300 persons")
    assert any(line.startswith(f"ingested {len(sources)} source files: ") for line in lines)
    # The resolve step grades persons and ranks units for concealment.
    assert any(line.startswith("graded ") and "concealment" in line for line in lines)
    # The last step writes the HTML report and prints its path.
    report = run.root / "report" / "index.html"
    assert lines[-1] == f"wrote the HTML report: open {report} in a browser"
    assert report.is_file() and run.facts["report"] == report
    # The link step scores the persons against the simulated truth (cluster level).
    assert any(line.startswith("linked ") and "F1" in line for line in lines)
    assert run.facts["link_scores"]["pairwise_f1"] > 0.9


def test_demo_reruns_into_its_own_folder_but_never_clears_another(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo", persons=50, seed=1, report=lambda _: None)
    assert (tmp_path / "demo" / MARKER).exists()
    run_demo(tmp_path / "demo", persons=50, seed=1, report=lambda _: None)  # clears and redoes
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", "utf-8")
    with pytest.raises(InputError, match="was not made by the demo"):
        run_demo(precious, persons=50, seed=1, report=lambda _: None)
    assert (precious / "notes.txt").read_text("utf-8") == "keep me"
