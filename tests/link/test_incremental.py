"""Incremental link runs: only new pairs scored, same clusters as a full run, stable ids,
re-clustering on judgement changes, and the rule that decides what a run does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.ingest.folders import source_names
from unaccounted.link import cluster as cl
from unaccounted.link.core import _predict
from unaccounted.link.engines import DuckDBEngine
from unaccounted.link.incremental import (
    first_pass_mask,
    only_new_rules,
    touched_groups,
)
from unaccounted.link.judgements import judge, withdraw
from unaccounted.link.model import load_input
from unaccounted.link.plan import Changes, Plan, cause, plan_run
from unaccounted.link.stage import run_link
from unaccounted.normalize.stage import run_normalize
from unaccounted.settings import LinkSettings
from unaccounted.store.linkage import _INPUT_COLUMNS
from unaccounted.workspace import Workspace

from .conftest import ingest

#: The source that arrives after the first link run: 27 of the world's 385 records (7 %),
#: in Latin script, so its records must link across scripts to the earlier ones.
LATE = "latin_list"

Key = tuple[str, str]


@pytest.fixture(scope="session")
def grown(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace linked without LATE, then given LATE (ingested, normalized, unlinked)."""
    root = tmp_path_factory.mktemp("grown") / "ws"
    ws = Workspace.init(root)
    ingest(ws, world / "simulated", skip=(LATE,))
    run_normalize(ws)
    run_link(ws)
    ingest(ws, world / "simulated", only=(LATE,))
    run_normalize(ws)
    return root


@pytest.fixture(scope="session")
def late_source(world: Path) -> str:
    """The name LATE's records are stored under."""
    return source_names(world / "simulated" / "sources")[LATE]


@pytest.fixture
def grown_ws(grown: Path, tmp_path: Path) -> Workspace:
    shutil.copytree(grown, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")


def persons(ws: Workspace) -> dict[Key, str]:
    with ws.store(read_only=True) as store:
        rows = store.current_assignment().to_pylist()
    return {(r["source_id"], r["record_id"]): r["person_id"] for r in rows}


def partition(assignment: dict[Key, str]) -> set[frozenset[Key]]:
    by: dict[str, set[Key]] = {}
    for key, pid in assignment.items():
        by.setdefault(pid, set()).add(key)
    return {frozenset(v) for v in by.values()}


def run_pairs(ws: Workspace, run_id: int) -> set[tuple[Key, Key]]:
    with ws.store(read_only=True) as store:
        rows = store.rows("SELECT * FROM link_pairs WHERE run_id = ?", [run_id])
    return {((r["source_id_l"], r["record_id_l"]), (r["source_id_r"], r["record_id_r"]))
            for r in rows}  # fmt: skip


def last_run(ws: Workspace) -> dict[str, Any]:
    with ws.store(read_only=True) as store:
        run = store.last_run()
    assert run is not None
    return run


def first_pass_pairs_with(ws: Workspace, source: str) -> int:
    """Pass-1 pairs a full scoring with the saved model finds that involve ``source``."""
    cfg = ws.settings.link
    model = json.loads(last_run(ws)["model"])
    with ws.store(read_only=True) as store:
        table = store.link_input()
    con = DuckDBEngine(LinkSettings())
    load_input(con, table)
    pairs = _predict(con, model, min(cfg.candidate_threshold, cfg.review_low))
    con.close()
    late = np.array([s == source for s in table.column("source_id").to_pylist()])
    left = pairs.column("unique_id_l").to_numpy() - 1
    right = pairs.column("unique_id_r").to_numpy() - 1
    return int((late[left] | late[right]).sum())


@pytest.mark.slow
def test_an_incremental_run_scores_only_pairs_with_new_records(
    grown_ws: Workspace, late_source: str
) -> None:
    before = persons(grown_ws)
    old_run = last_run(grown_ws)
    old_pairs = run_pairs(grown_ws, old_run["run_id"])
    with grown_ws.store(read_only=True) as store:
        late = int(store.scalar("SELECT count(*) FROM current_records WHERE source_id = ?",
                                [late_source]))  # fmt: skip
    expected_first = first_pass_pairs_with(grown_ws, late_source)

    report = run_link(grown_ws)

    assert (report.mode, report.retrained) == ("incremental", False)
    assert report.changes == Changes(new=late, changed=0, gone=0)
    assert report.why == (
        f"{late} new, 0 changed, 0 gone records; model of run {old_run['run_id']} reused: "
        f"{late} records new, changed or gone since it was trained on {len(before)}"
    )
    # every stored pair is kept (no record changed or went), and pass 1 scored exactly
    # the pairs a full scoring with the same model finds that involve a new record
    assert report.facts["pairs_kept"] == len(old_pairs)
    assert report.facts["pairs_first_pass"] == expected_first
    new_pairs = run_pairs(grown_ws, report.event_id)
    assert old_pairs <= new_pairs
    run = last_run(grown_ws)
    assert (run["mode"], run["model_run"], run["changed_since_training"]) == (
        "incremental", old_run["run_id"], late,
    )  # fmt: skip
    assert run["model"] == old_run["model"]  # the saved model, reused as it was

    # every person keeps their id: on this world no new record joins or splits two
    # earlier persons, so each earlier cluster only grows
    after = persons(grown_ws)
    assert (report.merges, report.splits) == (0, 0)
    assert {k: after[k] for k in before} == before
    grew = {after[k] for k in after if k[0] == late_source and after[k] in set(before.values())}
    assert len(grew) == late - report.new_ids > 0
    assert report.kept_ids == len(set(before.values()))


@pytest.mark.slow
def test_judgements_made_before_new_records_arrive_are_honoured(grown_ws: Workspace) -> None:
    # the records of the first run are linked; judge some of them, then link the new ones
    ws = grown_ws
    before = persons(ws)
    by: dict[str, list[Key]] = {}
    for key, pid in sorted(before.items()):
        by.setdefault(pid, []).append(key)
    a, b = next(keys for keys in by.values() if len(keys) == 2)
    c, d = [keys[0] for keys in by.values() if len(keys) == 1][:2]
    judge(ws, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", "different")
    judge(ws, f"{c[0]}:{c[1]}", f"{d[0]}:{d[1]}", "same")

    report = run_link(ws)

    assert report.mode == "incremental"  # new records arrived; judgements changed too
    assert report.judgements == 2
    now = persons(ws)
    assert now[a] != now[b]
    assert now[c] == now[d]
    assert (report.merges, report.splits) == (1, 1)


@pytest.mark.slow
def test_incremental_clusters_equal_a_full_rerun(grown: Path, tmp_path: Path) -> None:
    runs = {}
    for name, kwargs in [("incremental", {}), ("full", {"full": True}),
                         ("retrained", {"retrain": True})]:  # fmt: skip
        shutil.copytree(grown, tmp_path / name)
        ws = Workspace.open(tmp_path / name)
        report = run_link(ws, **kwargs)
        runs[name] = (report, partition(persons(ws)))
    assert [r.mode for r, _ in runs.values()] == ["incremental", "full", "full"]
    assert [r.retrained for r, _ in runs.values()] == [False, False, True]
    # A full scoring with the saved model differs from the incremental run only in the
    # term frequencies of the kept pairs (counted over the records of the earlier run);
    # a retrained model differs in its m/u values too. On this world neither moves a
    # pair across the clustering threshold: the clusters are identical.
    assert runs["incremental"][1] == runs["full"][1]
    assert runs["incremental"][1] == runs["retrained"][1]
    assert runs["incremental"][0].pairs == runs["full"][0].pairs


@pytest.mark.slow
def test_a_changed_record_is_scored_again(
    grown_ws: Workspace, world: Path, tmp_path: Path, late_source: str
) -> None:
    run_link(grown_ws)
    old_run = last_run(grown_ws)["run_id"]
    old_pairs = run_pairs(grown_ws, old_run)
    # a new version of one record: the source file again with its first birth date changed
    folder = tmp_path / "v2" / "sources"
    folder.mkdir(parents=True)
    src = world / "simulated" / "sources"
    shutil.copy(src / f"{LATE}.yaml", folder / f"{LATE}.yaml")
    lines = (src / f"{LATE}.csv").read_text("utf-8").splitlines(keepends=True)
    fields = lines[1].split(",")
    changed: Key = (late_source, fields[0])
    fields[3] = "1901-01-01"
    lines[1] = ",".join(fields)
    (folder / f"{LATE}.csv").write_text("".join(lines), "utf-8")
    ingest(grown_ws, folder.parent)
    run_normalize(grown_ws)

    report = run_link(grown_ws)

    assert report.mode == "incremental"
    assert report.changes == Changes(new=0, changed=1, gone=0)
    # the changed record's old pairs are dropped; every other pair is kept
    assert report.facts["pairs_kept"] == sum(changed not in p for p in old_pairs)


@pytest.mark.slow
def test_record_state_from_an_earlier_version_is_read_as_it_was_written(
    grown_ws: Workspace,
) -> None:
    # link runs of earlier versions stored the md5 of the whole link-input row (32 hex
    # digits); a run of this version must compare with those, not find every record changed
    run_link(grown_ws)
    with grown_ws.store() as store:
        assert store.scalar("SELECT DISTINCT length(fingerprint) FROM link_state") == 16
        # as those versions wrote them: the md5 of their link-input row (without the
        # columns added since) cast to text
        store.execute(
            f"""UPDATE link_state t SET fingerprint = o.fp FROM (
                SELECT source_id, record_id, md5(CAST(f AS VARCHAR)) AS fp FROM (
                    SELECT * EXCLUDE (given_ambiguous) FROM (
                        SELECT {_INPUT_COLUMNS} FROM current_normalized n
                        LEFT JOIN sources s ON s.name = n.source_id)) f) o
            WHERE o.source_id = t.source_id AND o.record_id = t.record_id"""
        )
        assert store.scalar("SELECT DISTINCT length(fingerprint) FROM link_state") == 32

    report = run_link(grown_ws)

    assert report.mode == "nothing"
    assert report.changes == Changes(new=0, changed=0, gone=0)
    # a run that links anything stores the fingerprints of this version
    report = run_link(grown_ws, full=True)
    assert report.changes == Changes(new=0, changed=0, gone=0)
    with grown_ws.store(read_only=True) as store:
        assert store.scalar("SELECT DISTINCT length(fingerprint) FROM link_state") == 16


@pytest.mark.slow
def test_judgement_changes_recluster_and_record_merges_and_splits(grown_ws: Workspace) -> None:
    run_link(grown_ws)
    before = persons(grown_ws)
    by: dict[str, list[Key]] = {}
    for key, pid in sorted(before.items()):
        by.setdefault(pid, []).append(key)
    a, b = next(keys for keys in by.values() if len(keys) == 2)
    pid = before[a]
    runs_before = last_run(grown_ws)["run_id"]

    jid = judge(grown_ws, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", "different")
    split = run_link(grown_ws)
    assert (split.mode, split.retrained, split.splits, split.merges) == ("recluster", False, 1, 0)
    assert split.facts["pairs_first_pass"] == 0  # nothing new to score
    now = persons(grown_ws)
    assert now[a] != now[b] and pid in (now[a], now[b])
    moved = now[b] if now[a] == pid else now[a]

    withdraw(grown_ws, jid)
    merged = run_link(grown_ws)
    assert (merged.mode, merged.merges, merged.splits) == ("recluster", 1, 0)
    now = persons(grown_ws)
    assert now[a] == now[b] == pid  # together again under the id they had
    with grown_ws.store(read_only=True) as store:
        history = store.id_history(pid)
    assert [(h["kind"], h["old_person_id"], h["new_person_id"], h["reason"]) for h in history] == [
        ("split", pid, moved,
         f"1 of its records were clustered apart from the rest in link run {split.event_id}"
         f" (judgements {jid} in force)"),
        ("merge", moved, pid,
         f"its records were clustered with {pid}'s in link run {merged.event_id}"
         f" (judgements {jid} no longer in force)"),
    ]  # fmt: skip

    # nothing changed since: the run does nothing and writes no run
    idle = run_link(grown_ws)
    assert (idle.mode, idle.event_id) == ("nothing", merged.event_id)
    assert last_run(grown_ws)["run_id"] == merged.event_id > runs_before


@pytest.mark.slow
def test_the_cli_says_what_kind_of_run_it_made(grown_ws: Workspace, late_source: str) -> None:
    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, ["--workspace", str(grown_ws.root), "link", *args])
        return result.exit_code, " ".join(result.output.split())  # the console wraps lines

    code, output = invoke("--json")
    assert code == 0
    summary = json.loads(output[: output.index(" incremental run (saved model)")])
    assert (summary["mode"], summary["retrained"]) == ("incremental", False)
    with grown_ws.store(read_only=True) as store:
        late = store.scalar("SELECT count(*) FROM current_records WHERE source_id = ?",
                            [late_source])  # fmt: skip
    assert summary["changes"] == {"new": late, "changed": 0, "gone": 0}
    code, output = invoke()
    assert code == 0
    assert output == ("nothing to link: no record new, changed or gone and the same judgements "
                      f"in force since the last run (run {summary['event']}); --full scores every "
                      "pair again")  # fmt: skip
    code, output = invoke("--retrain")
    assert code == 0 and output.startswith("full run (new model): --retrain given")


# -- the rule (link/plan.py) and the parts, without Splink ------------------------------


def a_run(**over: Any) -> dict[str, Any]:
    """A link_runs row: model of run 3 trained on 100 records, 10 changed since."""
    row = {"run_id": 5, "model": json.dumps({"comparisons": []}),
           "training": json.dumps({"records": 100}),
           "link_settings": json.dumps(LinkSettings().model_dump()),
           "model_run": 3, "changed_since_training": 10, "judgement_ids": "[1, 2]"}  # fmt: skip
    row.update(over)
    return row


REUSED = "model of run 3 reused: {} records new, changed or gone since it was trained on 100"


@pytest.mark.parametrize(
    ("last", "changes", "judgements", "flags", "expected"),
    [
        (None, Changes(), [], {}, Plan("full", True, "no earlier link run")),
        (a_run(), Changes(new=10), [1, 2], {"retrain": True},
         Plan("full", True, "--retrain given")),
        (a_run(model="{}"), Changes(new=1), [1, 2], {},
         Plan("full", True, "the last link run saved no model (fewer than 2 records)")),
        # 10 earlier + 11 now = 21 > 0.2 × 100: the model is trained again
        (a_run(), Changes(new=5, changed=4, gone=2), [1, 2], {},
         Plan("full", True, "21 records new, changed or gone since run 3 trained the model "
              "on 100, more than link.retrain_share (0.2)")),
        # 20 is not more than 20: the saved model is kept
        (a_run(), Changes(new=10), [1, 2], {},
         Plan("incremental", False, "10 new, 0 changed, 0 gone records; " + REUSED.format(20),
              20)),
        (a_run(), Changes(new=1), [1, 2], {"full": True},
         Plan("full", False, "--full given; " + REUSED.format(11), 11)),
        (a_run(), Changes(), [1, 2], {},
         Plan("nothing", False, "no record new, changed or gone and the same judgements in "
              "force since the last run", 10)),
        (a_run(), Changes(), [1], {},
         Plan("recluster", False, "only the judgements changed; " + REUSED.format(10), 10)),
        (a_run(link_settings=json.dumps({**LinkSettings().model_dump(), "match_threshold": 0.6,
                                         "threads": 8})), Changes(), [1, 2], {},
         Plan("full", True, "[link] settings changed since the last run: match_threshold")),
        # a model saved by a version whose place comparison had three levels
        (a_run(model=json.dumps({"comparisons": [{"output_column_name": "place",
               "comparison_levels": [{"label_for_charts": x} for x in
               ("home place missing", "same home settlement", "same region", "all other")]}]})),
         Changes(new=1), [1, 2], {},
         Plan("full", True, "the saved model's comparisons differ from this version's: place")),
        # a run that predates incremental linking: the model_run is the run itself
        (a_run(model_run=None, changed_since_training=None, run_id=4), Changes(new=1), [1, 2],
         {}, Plan("incremental", False, "1 new, 0 changed, 0 gone records; model of run 4 "
                  "reused: 1 records new, changed or gone since it was trained on 100", 1)),
    ],
)  # fmt: skip
def test_the_rule_that_decides_what_a_run_does(
    last: dict[str, Any] | None, changes: Changes, judgements: list[int],
    flags: dict[str, bool], expected: Plan,
) -> None:  # fmt: skip
    assert plan_run(last, 50, LinkSettings(), changes, judgements, **flags) == expected


def test_a_run_without_record_state_is_full() -> None:
    plan = plan_run(a_run(), 0, LinkSettings(), Changes(new=1), [1, 2])
    assert plan == Plan("full", True, "the last link run kept no record state (older version)")


def test_only_groups_with_unscored_pairs_are_scored_again() -> None:
    # group 0 (records 0-2) has all 3 pairs, group 1 (3-5) one of 3, group 2 is a pair
    groups = np.array([0, 0, 0, 1, 1, 1, 2, 2], np.int64)
    pairs = cl.Pairs(np.array([0, 0, 1, 3, 6]), np.array([1, 2, 2, 4, 7]), np.ones(5))
    labels, touched = touched_groups(groups, pairs, max_group_pairs=10)
    assert touched == 1
    assert labels.tolist() == [8, 9, 10, 1, 1, 1, 14, 15]
    # a group with more pairs than max_group_pairs is never scored whole
    labels, touched = touched_groups(groups, pairs, max_group_pairs=2)
    assert touched == 0


def test_prediction_rules_are_limited_to_pairs_with_a_new_record() -> None:
    settings = {"blocking_rules_to_generate_predictions": [
        {"blocking_rule": "l.a = r.a OR l.b = r.b", "sql_dialect": "duckdb"}]}  # fmt: skip
    assert only_new_rules(settings)["blocking_rules_to_generate_predictions"] == [
        {"blocking_rule": "(l.a = r.a OR l.b = r.b) AND (l.link_new OR r.link_new)",
         "sql_dialect": "duckdb"}
    ]  # fmt: skip


def test_kept_pairs_are_group_edges_only_when_a_prediction_rule_finds_them() -> None:
    con = DuckDBEngine(LinkSettings())
    load_input(con, pa.table({"unique_id": [1, 2, 3, 4], "a": ["x", "x", "y", None]}))
    pairs = pa.table({"unique_id_l": [1, 1, 3], "unique_id_r": [2, 3, 4]})
    settings = {"blocking_rules_to_generate_predictions": [{"blocking_rule": "l.a = r.a"}]}
    # 1–2 share a; 1–3 differ; 3–4 compare with a missing value: not found
    assert first_pass_mask(con, pairs, settings).to_pylist() == [True, False, False]
    con.close()


@pytest.mark.parametrize(
    ("plan", "changes", "now", "before", "expected"),
    [
        (Plan("incremental", False, ""), Changes(new=27), [3], [3],
         "27 new, 0 changed, 0 gone records"),
        (Plan("recluster", False, ""), Changes(), [3, 5], [3, 4],
         "judgements 5 in force; judgements 4 no longer in force"),
        (Plan("full", True, ""), Changes(changed=2, gone=1), [], [],
         "full run, new model; 0 new, 2 changed, 1 gone records"),
        (Plan("full", False, ""), Changes(), [], [], "full run"),
    ],
)  # fmt: skip
def test_merges_and_splits_name_what_made_the_run(
    plan: Plan, changes: Changes, now: list[int], before: list[int], expected: str
) -> None:
    assert cause(plan, changes, now, before) == expected
