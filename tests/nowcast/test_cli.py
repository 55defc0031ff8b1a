"""``unaccounted nowcast`` on a file and on a workspace, and its one-line errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.errors import InputError
from unaccounted.workspace import Workspace

from ..conftest import run_subprocess, write_csv

runner = CliRunner()
D = dt.date


def _triangle(tmp_path: Path) -> Path:
    # Four weekly periods of 40 events each, reported 50% in the first week and all by the second.
    rows = []
    for i, period in enumerate(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]):
        day = 7 + 7 * i
        rows.append([period, f"2024-01-{day:02d}", "20"])
        if i < 3:
            rows.append([period, f"2024-01-{day + 7:02d}", "40"])
    return write_csv(tmp_path / "t.csv", ["period", "as_of", "count"], rows)


def test_json_contract(tmp_path: Path) -> None:
    res = runner.invoke(app, ["nowcast", str(_triangle(tmp_path)), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    keys = ["estimate", "interval_only", "known_share", "lower", "observed", "period", "upper"]
    assert [sorted(d) for d in data] == [keys] * 4
    assert [d["period"] for d in data] == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    assert [d["observed"] for d in data] == [40, 40, 40, 20]
    assert data[0] == {"period": "2024-01-01", "observed": 40, "estimate": 40, "lower": 40,
                       "upper": 40, "known_share": 1.0, "interval_only": False}  # fmt: skip
    assert data[3]["lower"] <= 40 <= data[3]["upper"]
    assert (data[3]["known_share"], data[3]["interval_only"]) == (0.5, False)


def _barely_known(tmp_path: Path) -> Path:
    # Weekly periods of 100 events, 5 reported in their first week and all by the second.
    rows = []
    for i in range(4):
        period, first, second = (
            dt.date(2024, 1, 1) + dt.timedelta(days=7 * i + d) for d in (0, 6, 13)
        )
        rows.append([period.isoformat(), first.isoformat(), "5"])
        if i < 3:
            rows.append([period.isoformat(), second.isoformat(), "100"])
    return write_csv(tmp_path / "thin.csv", ["period", "as_of", "count"], rows)


def test_a_period_barely_reported_shows_its_interval_only(tmp_path: Path) -> None:
    thin = str(_barely_known(tmp_path))
    res = runner.invoke(app, ["nowcast", thin, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [(d["known_share"], d["interval_only"]) for d in data] == [
        (1.0, False),
        (1.0, False),
        (1.0, False),
        (0.05, True),
    ]
    assert data[3]["observed"] == 5 and data[3]["lower"] <= 100 <= data[3]["upper"]
    res = runner.invoke(app, ["nowcast", thin])
    assert res.exit_code == 0, res.output
    newest = next(line for line in res.stdout.splitlines() if "2024-01-22" in line)
    cells = [c.strip() for c in newest.strip("│ ").split("│")]
    lo, hi = data[3]["lower"], data[3]["upper"]
    assert cells == ["2024-01-22", "5", "–", f"{lo:,} – {hi:,}", f"{lo - 5:,} – {hi - 5:,}"]
    assert "1 period(s) less than 10% reported so far: the interval only" in res.output
    # A smaller floor shows the point estimate again.
    res = runner.invoke(app, ["nowcast", thin, "--min-known", "0.04"])
    assert res.exit_code == 0, res.output
    assert "the interval only" not in res.output
    assert f"{data[3]['estimate']:,}" in next(
        line for line in res.stdout.splitlines() if "2024-01-22" in line
    )


def test_as_of_and_table(tmp_path: Path) -> None:
    res = runner.invoke(app, ["nowcast", str(_triangle(tmp_path)), "--as-of", "2024-01-14",
                              "--json", "--method", "chain-ladder"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    # On 2024-01-14 only the first two periods had reports; the second was half known.
    assert [d["observed"] for d in data] == [40, 20]
    assert data[1]["estimate"] == 40  # 20 known + the median of Poisson(20) not yet reported
    res = runner.invoke(app, ["nowcast", str(_triangle(tmp_path)), "--last", "2"])
    assert res.exit_code == 0, res.output
    assert "Nowcast as of 2024-01-28 (nb)" in res.stdout
    assert "2024-01-22" in res.stdout and "2024-01-08" not in res.stdout


def test_errors_are_one_line(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", ["period", "count"], [["2024-01-01", "3"]])
    done = run_subprocess("nowcast", str(bad))
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {bad}: missing column(s) as_of; a triangle needs period,as_of,count\n"
    )
    good = str(_triangle(tmp_path))
    res = runner.invoke(app, ["nowcast", good, "--as-of", "14.01.2024"])
    assert isinstance(res.exception, InputError)
    assert str(res.exception) == "--as-of '14.01.2024' is not a date (use YYYY-MM-DD)"
    for args, message in [
        (["nowcast", good, "--method", "magic"], "error: unknown method 'magic'"),
        (["nowcast", good, "--window", "-1"], "error: --window must be 0 (all periods) or more"),
        (
            ["nowcast", good, "--delay-weights", "recent"],
            "error: unknown --delay-weights 'recent'; choose one of auto, window",
        ),
        (
            ["nowcast", good, "--min-known", "1"],
            "error: --min-known must be at least 0 and below 1",
        ),
    ]:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert message in res.output


def test_from_a_workspace_counts_deaths_per_record_before_linking(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    src = write_csv(
        tmp_path / "notices.csv",
        ["full_name", "status", "event_date", "published"],
        [
            ["Фомин Фёдор Ильич", "погиб", "2024-03-04", "2024-03-05"],
            ["Фомин Фёдор Ильич", "погиб", "2024-03-04", "2024-03-20"],
            ["Лаптев Олег Ильич", "погиб", "2024-03-12", "2024-03-30"],
            ["Сомов Пётр Ильич", "ранен", "2024-03-12", "2024-03-13"],
            ["Ершов Иван Ильич", "погиб", "2024", "2024-03-13"],
        ],
    )
    from unaccounted.ingest import IngestOptions, ingest_files
    from unaccounted.normalize.stage import run_normalize

    ingest_files(ws, [src], IngestOptions())
    run_normalize(ws)
    with ws.store(read_only=True) as store:
        deaths = store.documented_deaths()
    assert deaths.unit == "record"
    assert deaths.ingest_dated == 0
    # The wounded man is not a death; the death dated only to a year has no event day.
    assert sorted(deaths.rows, key=str) == sorted(
        [(D(2024, 3, 4), D(2024, 3, 5)), (D(2024, 3, 4), D(2024, 3, 20)),
         (D(2024, 3, 12), D(2024, 3, 30)), (None, D(2024, 3, 13))], key=str
    )  # fmt: skip
    res = runner.invoke(app, ["--workspace", str(ws.root), "nowcast", "--json", "--as-of",
                              "2024-03-25"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [(d["period"], d["observed"]) for d in data] == [("2024-03-04", 2)]
    # Without --as-of: cut at the latest publication (2024-03-30), so all three are known.
    res = runner.invoke(app, ["--workspace", str(ws.root), "nowcast", "--json"])
    assert res.exit_code == 0, res.output
    assert [(d["period"], d["observed"]) for d in json.loads(res.stdout)] == [
        ("2024-03-04", 2), ("2024-03-11", 1)
    ]  # fmt: skip
    # Once the two Фомин records are one person, his death counts once, known on 5 March.

    with ws.store() as store:
        ids = store.rows("SELECT source_id, record_id, full_name FROM current_records")
        store.load_clusters(
            [(f"p-{r['full_name']}", r["source_id"], r["record_id"]) for r in ids], "test"
        )
    with ws.store(read_only=True) as store:
        deaths = store.documented_deaths()
    assert deaths.unit == "person"
    assert deaths.latest_published == D(2024, 3, 30)
    assert sorted(deaths.rows, key=str) == sorted(
        [(D(2024, 3, 4), D(2024, 3, 5)), (D(2024, 3, 12), D(2024, 3, 30)),
         (None, D(2024, 3, 13))], key=str
    )  # fmt: skip


def test_a_record_without_publication_date_is_known_from_its_ingest_day(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    dated = write_csv(tmp_path / "notices.csv", ["full_name", "status", "event_date", "published"],
                      [["Фомин Фёдор Ильич", "погиб", "2024-03-04", "2024-03-05"]])  # fmt: skip
    undated = write_csv(tmp_path / "posts.csv", ["full_name", "status", "event_date"],
                        [["Лаптев Олег Ильич", "погиб", "2024-03-05"]])  # fmt: skip
    from unaccounted.ingest import IngestOptions, ingest_files
    from unaccounted.normalize.stage import run_normalize

    ingest_files(ws, [dated, undated], IngestOptions())
    run_normalize(ws)
    with ws.store(read_only=True) as store:
        deaths = store.documented_deaths()
    assert deaths.ingest_dated == 1
    first, ingested = sorted(k for _, k in deaths.rows)
    assert first == D(2024, 3, 5)
    assert abs((ingested - dt.date.today()).days) <= 1  # the ingest day (store time zone)
    # By default the cut is the latest publication: the ingest-dated death is not known yet.
    res = runner.invoke(app, ["--workspace", str(ws.root), "nowcast", "--json"])
    assert [d["observed"] for d in json.loads(res.stdout)] == [1]
    later = dt.date.today() + dt.timedelta(days=1)
    res = runner.invoke(app, ["--workspace", str(ws.root), "nowcast", "--json", "--as-of",
                              later.isoformat()])  # fmt: skip
    assert [d["observed"] for d in json.loads(res.stdout)] == [2]


def test_delay_weights_are_named_under_the_table(tmp_path: Path) -> None:
    good = str(_triangle(tmp_path))
    # Every period reported half in its first week: nothing changed speed, so every
    # half-life predicted the past alike and the steadiest (all periods alike) is kept.
    res = runner.invoke(app, ["nowcast", good])
    assert res.exit_code == 0, res.output
    assert "delay_weights auto, half_life all periods alike" in " ".join(res.output.split())
    res = runner.invoke(app, ["nowcast", good, "--delay-weights", "window"])
    assert res.exit_code == 0, res.output
    assert "half_life" not in res.output and "window 8" in res.output
