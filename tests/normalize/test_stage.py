"""The normalize stage over a small simulated workspace, and its commands and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.errors import WorkspaceError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.folders import ingest_folder
from unaccounted.normalize.stage import explain_record, run_normalize
from unaccounted.settings import Settings
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate
from unaccounted.workspace import Workspace

from ..conftest import run_subprocess, write_csv


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(load_config(), 300, 3, out)
    return out


def _workspace(root: Path, world: Path, settings: Settings | None = None) -> Workspace:
    ws = Workspace.init(root, settings)
    ingest_folder(ws, world / "sources")
    return ws


@pytest.mark.slow
def test_every_record_is_normalized_once(world: Path, tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", world)
    first = run_normalize(ws)
    assert first.normalized == first.records > 0
    again = run_normalize(ws)  # incremental: nothing new
    assert again.normalized == 0
    with ws.store() as store:
        assert store.scalar("SELECT count(*) FROM current_normalized") == first.records
        # the English tracker writes DD/MM/YYYY: detected from its own unambiguous dates
        assert "dmy" in first.date_orders.values()
        latin = store.rows(
            "SELECT count(*) AS n FROM normalized WHERE name_script = 'latin' "
            "AND event_candidates IS NOT NULL"
        )
        assert latin == [{"n": 0}]
        events = store.rows("SELECT command, outcome FROM events WHERE command = 'normalize'")
        assert events == [{"command": "normalize", "outcome": "ok"}] * 2


@pytest.mark.slow
def test_a_pack_addition_redoes_the_records(world: Path, tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", world)
    run_normalize(ws)
    extra = ws.root / "pack"
    extra.mkdir()
    write_csv(extra / "units.csv", ["unit_key", "type", "number", "vch", "aliases"],
              [["omsbr-999", "omsbr", "999", "99999", "999-я бригада"]])  # fmt: skip
    text = ws.config_path.read_text("utf-8").replace('pack_dir = ""', 'pack_dir = "pack"')
    ws.config_path.write_text(text, "utf-8")
    ws2 = Workspace.open(ws.root)
    report = run_normalize(ws2)
    assert report.normalized == report.records  # the pack's digest changed


def test_records_from_split_columns_and_age(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        ["record_id", "surname", "given_name", "patronymic", "age", "event_date", "unit",
         "status", "region"],
        [["1", "ПОЛЯКОВА", "Ольга", "Андреевна", "27", "03.04.2022", "292 МСП", "погибла",
          "Московская обл."]],
    )  # fmt: skip
    ingest_files(ws, [path], IngestOptions(source="list"))
    run_normalize(ws)
    with ws.store() as store:
        row = store.rows("SELECT * FROM normalized")[0]
    assert (row["surname"], row["given_name"], row["patronymic"], row["sex"]) == (
        "Полякова", "Ольга", "Андреевна", "f")  # fmt: skip
    # 27 on 3 April 2022: born 4 April 1994 .. 3 April 1995
    assert (str(row["birth_lo"]), str(row["birth_hi"]), row["birth_precision"]) == (
        "1994-04-04", "1995-04-03", "age")  # fmt: skip
    assert (row["unit_key"], row["status"], row["region_code"]) == ("msp:292", "killed", "RU-MOS")
    assert row["surname_key"] == "polakova"


def test_explain_record_names_the_rules(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", ["record_id", "full_name", "event_date"],
                     [["a", "Сергея Ивановича Савченко", "весной 2023"]])  # fmt: skip
    ingest_files(ws, [path], IngestOptions(source="o"))
    result = explain_record(ws, "o", "a")
    by_field = {f["field"]: f for f in result["fields"]}
    assert by_field["surname"]["value"] == "Савченко"
    assert by_field["given_name"]["rule"] == "given name, genitive"
    assert by_field["event_lo"]["value"] == "2023-03-01"
    assert by_field["event_precision"]["value"] == "season"
    assert result["stored"] is False
    runner = CliRunner()
    res = runner.invoke(app, ["-w", str(ws.root), "explain-record", "o", "a", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["record_id"] == "a"


@pytest.mark.slow
def test_unknown_locale_is_one_line_error(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    text = ws.config_path.read_text("utf-8").replace('locale = "ru"', 'locale = "xx"')
    ws.config_path.write_text(text, "utf-8")
    with pytest.raises(WorkspaceError, match="unknown language pack 'xx'"):
        run_normalize(Workspace.open(ws.root))
    proc = run_subprocess("--workspace", str(ws.root), "normalize")
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: unknown language pack 'xx' (setting normalize.locale); known: ru\n"
    )


def test_normalize_command_summary(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", ["full_name", "unit", "status"],
                     [["Иванов Иван", "где-то", "погиб"]])  # fmt: skip
    ingest_files(ws, [path], IngestOptions(source="l"))
    res = _cli(ws.root, "normalize", "--json")
    assert res.exit_code == 0
    summary = json.loads(res.stdout)
    assert (summary["records"], summary["normalized"]) == (1, 1)
    assert summary["not_understood"]["unit"] == 1  # «где-то» names no unit


def test_normalize_lists_the_values_it_could_not_read(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        ["record_id", "full_name", "unit", "status", "region"],
        [["1", "Иванов Иван", "где-то", "погиб", "Курская обл."],
         ["2", "Петров Пётр", "где-то", "ушёл в туман", ""],
         ["3", "Сидоров Сидор", "за речкой", "ушёл в туман", "Нарния"],
         ["4", "Орлов Олег", "где-то", "погиб", ""]],
    )  # fmt: skip
    ingest_files(ws, [path], IngestOptions(source="l"))
    res = _cli(ws.root, "normalize", "--json")
    assert res.exit_code == 0
    summary = json.loads(res.stdout)
    # Each unread value once, most frequent first, with the first record that had it;
    # the values the normalizer read («погиб», «Курская обл.») are not listed.
    assert summary["not_understood_values"] == {
        "region": [{"value": "Нарния", "count": 1, "example": {"source": "l", "record_id": "3"}}],
        "status": [
            {"value": "ушёл в туман", "count": 2, "example": {"source": "l", "record_id": "2"}}
        ],
        "unit": [
            {"value": "где-то", "count": 3, "example": {"source": "l", "record_id": "1"}},
            {"value": "за речкой", "count": 1, "example": {"source": "l", "record_id": "3"}},
        ],
    }
    # The text summary (on stderr) shows the top values of each field with an example.
    text = _cli(ws.root, "normalize", "--rebuild").stderr
    assert "  unit: «где-то» ×3 (e.g. l 1), «за речкой» ×1 (e.g. l 3)\n" in text


def _cli(root: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["-w", str(root), *args])


def test_unknown_record_is_an_error(ws: Workspace) -> None:
    from unaccounted.errors import InputError

    with pytest.raises(InputError, match="no record 'zz' in source 'nope'"):
        explain_record(ws, "nope", "zz")


def test_the_fast_path_gives_what_explain_gives(world: Path) -> None:
    """normalize_batch (the stage's path) and explain (explain-record's) agree on every field."""
    import csv

    import yaml

    from unaccounted.normalize.pack import load_pack
    from unaccounted.normalize.record import FIELDS, Normalizer

    normalizer = Normalizer(load_pack("ru"))
    rows = []
    for path in sorted((world / "sources").glob("*.csv")):
        spec = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8")) or {}
        rename = spec.get("columns") or {}
        with path.open(encoding=spec.get("encoding") or "utf-8", newline="") as f:
            for raw in csv.DictReader(f):
                row: dict[str, Any] = {c: None for c in _RAW}
                row.update({rename.get(k, k): v or None for k, v in raw.items()
                            if rename.get(k, k) in row})  # fmt: skip
                row["source_id"] = path.stem
                rows.append(row)
    orders = {"latin_list": "dmy"}
    samples: dict[str, list[str]] = {}
    for row in rows:
        samples.setdefault(row["source_id"], []).append(row["full_name"])
    hints = normalizer.detect_name_hints(samples)
    # the obituaries decline names; the official notices, rosters, graves and the Latin list
    # write surname first (the other sources mix both orders)
    assert hints == {"obituaries": "oblique", "graves": "surname_first",
                     "latin_list": "surname_first", "leaked_roster": "surname_first",
                     "mod_notices": "surname_first"}  # fmt: skip
    fast = normalizer.normalize_batch(rows, orders, hints)
    for i, row in enumerate(rows):
        source = row["source_id"]
        slow = {e.field: e.value for e in normalizer.explain(row, orders.get(source),
                                                                hints.get(source))}  # fmt: skip
        assert {f: fast[f][i] for f in FIELDS} == slow, row
    # the stage's Arrow path gives the same values
    columns = {c: [r[c] for r in rows] for c in ("source_id", *_RAW)}
    arrow = normalizer.normalize_arrow(columns, orders, hints)
    assert {f: arrow[f].to_pylist() for f in FIELDS} == fast


_RAW = ("full_name", "surname", "given_name", "patronymic", "sex", "birth_date", "age", "status",
        "event_date", "event_place", "unit", "region", "hometown", "published")  # fmt: skip


@pytest.mark.slow
def test_worker_processes_give_the_same_fields(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unaccounted.normalize import stage

    monkeypatch.setattr(stage, "_PARALLEL_FROM", 0)  # workers even for a small run
    one = _workspace(tmp_path / "one", world)
    alone = run_normalize(one)
    settings = Settings()
    settings.normalize.workers = 2
    two = _workspace(tmp_path / "two", world, settings)
    started = []
    real_pool = stage.WorkerPool

    def counting_pool(*args: Any) -> Any:
        started.append(args[-1])
        return real_pool(*args)

    monkeypatch.setattr(stage, "WorkerPool", counting_pool)
    report = run_normalize(two)
    assert started == [2]
    assert report.normalized == report.records
    # the values not understood are counted alike from the workers' batches
    assert report.not_understood_values == alone.not_understood_values
    query = "SELECT * EXCLUDE (event_id) FROM normalized ORDER BY source_id, record_id"
    with one.store() as a, two.store() as b:
        assert a.rows(query) == b.rows(query)


def test_rows_normalize_without_a_workspace() -> None:
    from unaccounted.normalize.api import detect_date_orders, normalize_rows

    rows = [
        {"source_id": "a", "full_name": "SAVCHENKO Sergey", "birth_date": "25/03/1990"},
        {"source_id": "a", "full_name": "Savtchenko Sergei", "birth_date": "04/03/1990"},
        {"source_id": "b", "full_name": "Савченко Серёжа", "age": "33", "event_date": "2023"},
    ]
    assert detect_date_orders(rows) == {"a": "dmy"}
    cols = normalize_rows(rows)
    assert cols["surname_key"] == ["savcenko"] * 3
    assert cols["given_name"] == ["Сергей"] * 3
    # source a writes day first (25/03), so 04/03/1990 is 4 March
    assert [str(d) for d in cols["birth_lo"][:2]] == ["1990-03-25", "1990-03-04"]
    assert (str(cols["birth_lo"][2]), str(cols["birth_hi"][2])) == ("1989-01-02", "1990-12-31")
    assert normalize_rows([])["surname"] == []


def test_a_source_that_declines_names_reads_ambiguous_forms_declined() -> None:
    from unaccounted.normalize.api import normalize_rows

    declined = [{"source_id": "obits", "full_name": f"{g} {s}"} for g, s in
                [("Сергеем", "Ивановым"), ("Алексея", "Петрова"), ("Андрею", "Смирнову"),
                 ("Дмитрием", "Козловым"), ("Ивана", "Попова"), ("Олегу", "Волкову"),
                 ("Павлом", "Зайцевым"), ("Юрия", "Соловьёва"), ("Игорю", "Лебедеву"),
                 ("Михаилом", "Новиковым")]]  # fmt: skip
    ambiguous = {"source_id": "obits", "full_name": "Александра Котова"}
    cols = normalize_rows([*declined, ambiguous])
    # most of this source's names are declined: «Александра Котова» is Александр Котов
    assert (cols["surname"][-1], cols["given_name"][-1], cols["sex"][-1]) == (
        "Котов", "Александр", "m")  # fmt: skip
    alone = normalize_rows([ambiguous])  # no such evidence: the nominative reading
    assert (alone["surname"][0], alone["given_name"][0]) == ("Котова", "Александра")
