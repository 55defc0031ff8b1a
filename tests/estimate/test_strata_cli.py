"""``unaccounted estimate --by`` and ``sources --group`` on a small hand-made workspace."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.errors import UnaccountedError
from unaccounted.estimate.strata import MethodChoice, estimate_cells

runner = CliRunner()

#: Persons of region RU-BU by the lists (sources a, b, c, d) that name them, as bit masks
#: (a = 1, b = 2, c = 4, d = 8) with how many persons have each history.
BU = {1: 20, 2: 15, 4: 12, 8: 10, 3: 6, 5: 5, 9: 4, 6: 4, 10: 3, 12: 3, 7: 2, 15: 1}
#: Region RU-TY: persons on sources a and b only.
TY = {1: 3, 2: 2, 3: 2}


def invoke(ws: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--workspace", str(ws), *args])
    error = f"error: {result.exception}" if isinstance(result.exception, UnaccountedError) else ""
    return result.exit_code, result.stdout, error


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("strata")
    ws = root / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    rows: dict[str, list[list[str]]] = {s: [] for s in "abcd"}
    clusters = [["source", "record_id", "person_id"]]
    person = 0
    for region, table in (("Республика Бурятия", BU), ("Республика Тыва", TY)):
        for mask, n in table.items():
            for _ in range(n):
                person += 1
                for j, source in enumerate("abcd"):
                    if mask >> j & 1:
                        rid = f"{source}{person}"
                        rows[source].append([rid, f"Иванов Иван {person}", "погиб", region,
                                             "2023-05-01"])  # fmt: skip
                        clusters.append([source, rid, f"P{person}"])
    # one person only ever reported missing, on three lists
    person += 1
    for source in "abc":
        rows[source].append([f"{source}{person}", "Петров Пётр", "пропал без вести",
                             "Республика Бурятия", "2023-05-01"])  # fmt: skip
        clusters.append([source, f"{source}{person}", f"P{person}"])
    for source, data in rows.items():
        path = root / f"{source}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["record_id", "full_name", "status", "region", "event_date"])
            writer.writerows(data)
        code, _, err = invoke(ws, "ingest", str(path), "--source", source, "--kind", "news")
        assert code == 0, err
    with (root / "clusters.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(clusters)
    assert invoke(ws, "normalize")[0] == 0
    assert invoke(ws, "load-clusters", str(root / "clusters.csv"))[0] == 0
    return ws


def _cells(table: dict[int, int], k: int) -> np.ndarray:
    cells = np.zeros(2**k, dtype=np.int64)
    for mask, n in table.items():
        cells[mask] += n
    return cells


def test_estimate_by_region_json(workspace: Path) -> None:
    code, stdout, err = invoke(workspace, "estimate", "--by", "region", "--draws", "0", "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert (data["by"], data["lists"], data["draws"]) == ("region", ["a", "b", "c", "d"], 0)
    bu, ty = data["strata"]
    assert (bu["stratum"], bu["documented"], bu["estimable"]) == ("RU-BU", 85, True)
    # the same numbers as estimating the hand-written table directly
    ref = estimate_cells(_cells(BU, 4), ("a", "b", "c", "d"), MethodChoice())
    assert bu["estimate"] == round(ref.estimate, 3)
    assert (bu["lower"], bu["upper"]) == (round(ref.lower, 3), round(ref.upper, 3))
    assert (ty["stratum"], ty["documented"], ty["estimable"]) == ("RU-TY", 7, False)
    assert ty["reason"] == "fewer than 3 lists saw anyone (2)" and ty["estimate"] is None
    total = data["total"]
    assert total["documented"] == 92
    assert total["estimate"] == round(ref.estimate + 7, 3)


def test_missing_persons_count_only_when_asked(workspace: Path) -> None:
    args = ["estimate", "--by", "period", "--draws", "0", "--json"]
    dead = json.loads(invoke(workspace, *args)[1])
    both = json.loads(invoke(workspace, *args, "--include-missing")[1])
    assert [(s["stratum"], s["documented"]) for s in dead["strata"]] == [("2023-Q2", 92)]
    assert [(s["stratum"], s["documented"]) for s in both["strata"]] == [("2023-Q2", 93)]


def test_sources_group_makes_one_list(tmp_path: Path, workspace: Path) -> None:
    import shutil

    ws = tmp_path / "copy"
    shutil.copytree(workspace, ws)
    code, _, err = invoke(ws, "sources", "--group", "b=a")
    assert code == 0, err
    listed = {s["name"]: s["independence_group"] for s in
              json.loads(invoke(ws, "sources", "--json")[1])}  # fmt: skip
    assert listed == {"a": "a", "b": "a", "c": "c", "d": "d"}
    data = json.loads(invoke(ws, "estimate", "--by", "region", "--draws", "0", "--json")[1])
    assert data["lists"] == ["a", "c", "d"]
    # sources a and b are now one list: histories fold bit b into bit a
    folded: dict[int, int] = {}
    for mask, n in BU.items():
        new = (1 if mask & 3 else 0) | (mask >> 1 & 0b110)
        folded[new] = folded.get(new, 0) + n
    ref = estimate_cells(_cells(folded, 3), ("a", "c", "d"), MethodChoice())
    assert data["strata"][0]["estimate"] == round(ref.estimate, 3)
    # RU-TY was seen by a and b only: now one list
    assert data["strata"][1]["reason"] == "fewer than 3 lists saw anyone (1)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sources", "--group", "nosuch=x"], "no source named 'nosuch'"),
        (["sources", "--group", "a"], "expected SOURCE=GROUP"),
        (["estimate", "--by", "planet"], "unknown stratum 'planet'"),
        (["estimate", "--by", "region"], "no link run has scored pairs"),
        (["estimate", "--draws", "-1"], "--draws must be 0 or more"),
        (
            ["estimate", "--by", "region", "--draws", "0", "--reporting-delay"],
            "--reporting-delay scales quarters; use it with --by period",
        ),
        (
            [
                "estimate",
                "--by",
                "period",
                "--draws",
                "0",
                "--include-missing",
                "--reporting-delay",
            ],
            "--reporting-delay scales the stated-dead estimate by the nowcast of documented "
            "deaths; leave out --include-missing",
        ),
    ],
)
def test_errors(workspace: Path, args: list[str], message: str) -> None:
    code, _, err = invoke(workspace, *args)
    assert code != 0 and message in err, err


def test_histories_file_and_by_do_not_mix(workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("in_a,in_b,in_c,count\n1,0,0,3\n0,1,0,2\n1,1,0,1\n0,0,1,2\n", "utf-8")
    result = runner.invoke(app, ["--workspace", str(workspace), "estimate", str(path),
                                 "--by", "region"])  # fmt: skip
    assert result.exit_code == 2
    assert "leave out the HISTORIES.csv argument" in result.output
    result = runner.invoke(app, ["--workspace", str(workspace), "estimate", str(path),
                                 "--reporting-delay"])  # fmt: skip
    assert result.exit_code == 2
    assert "--reporting-delay estimates the workspace; leave out the HISTORIES.csv" in (
        result.output
    )


def test_reporting_delay_leaves_quarters_whose_reports_are_all_in(workspace: Path) -> None:
    # no record has a publication date: each is known from the day it was ingested, long
    # after its event, so nothing is still to be reported and the estimate is unchanged
    args = ["estimate", "--by", "period", "--draws", "0", "--json"]
    plain = json.loads(invoke(workspace, *args)[1])
    code, stdout, err = invoke(workspace, *args, "--reporting-delay")
    assert code == 0, err
    got = json.loads(stdout)
    assert [s["estimate"] for s in got["strata"]] == [s["estimate"] for s in plain["strata"]]
    assert all("reporting_delay" not in s for s in got["strata"])


@pytest.mark.slow
def test_linked_world_with_draws(tmp_path: Path) -> None:
    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.link.stage import run_link
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate
    from unaccounted.workspace import Workspace

    simulate(load_config(None), 400, 3, tmp_path / "sim")
    ws = Workspace.init(tmp_path / "ws")
    ingest_folder(ws, tmp_path / "sim" / "sources")
    run_normalize(ws)
    run_link(ws)
    args = ["estimate", "--by", "period", "--json"]
    drawn = json.loads(invoke(ws.root, *args, "--draws", "4")[1])
    alone = json.loads(invoke(ws.root, *args, "--draws", "0")[1])
    assert drawn["draws"] == 4 and alone["draws"] == 0
    # documented dead come from the current persons either way
    assert drawn["total"]["documented"] == alone["total"]["documented"] > 0
    for s in drawn["strata"]:
        if s["estimable"]:
            assert s["draws_estimated"] >= 2 and s["lower"] <= s["estimate"] <= s["upper"]
            assert 0.0 <= s["linkage_width_share"] < 1.0
        else:
            assert s["reason"] and s["estimate"] is None
    # the recent quarters, scaled up for the deaths not reported yet by their factor
    delayed = json.loads(invoke(ws.root, *args, "--draws", "0", "--reporting-delay")[1])
    scaled = [s for s in delayed["strata"] if "reporting_delay" in s]
    quarters = [s["stratum"] for s in alone["strata"] if s["stratum"].startswith("20")]
    assert scaled and scaled[-1]["stratum"] == quarters[-1]
    before = {s["stratum"]: s for s in alone["strata"]}
    for s in scaled:
        factor = s["reporting_delay"]["factor"]
        assert factor > 1.0 and s["reporting_delay"]["known_share"] == round(1 / factor, 4)
        assert s["estimate"] == pytest.approx(before[s["stratum"]]["estimate"] * factor, rel=1e-3)
    # without the option, the quarters still being reported are named in a warning
    late = [w for w in alone["total"]["warnings"] if w.startswith("the latest quarters")]
    assert len(late) == 1 and quarters[-1] in late[0]
    named = {q for q in quarters if f"{q} ×" in late[0]}
    assert named <= {s["stratum"] for s in scaled}
    assert delayed["total"]["estimate"] == pytest.approx(
        alone["total"]["estimate"] + sum(s["reporting_delay"]["added"] for s in scaled), abs=0.01
    )
