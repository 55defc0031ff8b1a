"""The store file read without the key holds no protected plaintext."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_subprocess, write_csv
from tests.protect.conftest import PLAIN, SECRETS, store_bytes
from unaccounted.errors import InputError
from unaccounted.protect import is_token
from unaccounted.service import Session
from unaccounted.service import persons as persons_service
from unaccounted.store.protection import record_hash
from unaccounted.workspace import Workspace


def test_the_raw_store_file_holds_no_protected_plaintext(world: Workspace) -> None:
    data = store_bytes(world)  # every session checkpointed and closed its store
    for name, value in SECRETS.items():
        assert value.encode("utf-8") not in data, f"{name} is in the store in the clear"
    assert b"+7 999 555 0001" not in data  # the rejected row's contact
    # the scan finds what is in the clear: names stay plain for linkage
    for value in PLAIN:
        assert value.encode("utf-8") in data, f"the scan cannot find {value!r}"


def test_protected_columns_and_the_confidential_source_are_sealed(world: Workspace) -> None:
    with Session.open(world.root, "editor") as s:
        rows = {r["record_id"]: r for r in s.store.source_record_cells("open_list")}
        conf = s.store.source_record_cells("witness_notes")[0]
        rejects = s.store.rejects()
    o1 = next(r for r in rows.values() if r["full_name"] == PLAIN[0])
    assert [is_token(o1[c]) for c in ("url", "quote", "full_name", "birth_date", "status")] == [
        True, True, False, False, False]  # fmt: skip
    extra = json.loads(o1["extra"])
    # contact and witness by the setting, Примечание by the mapping's protected: true
    assert all(is_token(extra[k]) for k in ("contact", "witness", "Примечание"))
    # a confidential source: the place and the extra sealed, what linkage reads in the clear
    assert is_token(conf["event_place"]) and is_token(json.loads(conf["extra"])["story"])
    assert (conf["full_name"], conf["birth_date"], conf["status"]) == (
        PLAIN[0], "1991-04-05", "killed")  # fmt: skip
    # the rejected row (no name) keeps its protected cells sealed
    (reject,) = rejects
    assert reject["reason_code"] == "no_name"
    raw = json.loads(reject["raw"])
    assert is_token(raw["contact"]) and raw["birth_date"] == "1980"


def test_the_content_hash_reads_a_token_by_its_nonce(world: Workspace) -> None:
    # what rotation and 'sources confidential' recompute is what ingest computed
    with Session.open(world.root, "editor") as s:
        stored = {r["record_id"]: r["row_hash"] for r in s.store.rows(
            "SELECT record_id, row_hash FROM records")}  # fmt: skip
        cells = s.store.source_record_cells("open_list") + s.store.source_record_cells(
            "witness_notes"
        )
        ids = {r["rid"]: r for r in cells}
        keys = s.store.rows("SELECT rowid AS rid, record_id FROM records")
    for k in keys:
        assert record_hash(ids[k["rid"]]) == stored[k["record_id"]]


def test_reingesting_finds_every_row_unchanged(
    world: Workspace, cli: Callable[..., Any], tmp_path: Path
) -> None:
    r = cli("ingest", str(tmp_path / "open_list.csv"), "--mapping", str(tmp_path / "open.yaml"),
            "--json")  # fmt: skip
    assert '"unchanged": 2' in r.output and '"new"' not in r.output.split('"counts"')[1][:60]


def test_a_person_shows_protected_values_redacted(world: Workspace) -> None:
    with Session.open(world.root, "editor") as s:
        view = persons_service.person(s, "P1")
    text = json.dumps(view, ensure_ascii=False)
    assert "[protected]" in text
    assert "enc:v1:" not in text
    assert all(v not in text for v in SECRETS.values())
    assert PLAIN[0] in text


def test_a_value_that_looks_sealed_is_refused(
    ws: Workspace, cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "planted.csv", ["full_name", "note"],
                     [["Гусляров Аким", "enc:v1:0123abcd:AAAA"]])  # fmt: skip
    with pytest.raises(InputError) as exc:
        cli("ingest", str(path))
    assert str(exc.value) == (
        "planted.csv: column 'note' holds a value that looks like a sealed value (enc:v1:…); "
        "sealed values are never taken as input"
    )
    with Session.open(ws.root) as s:
        assert s.store.record_count() == 0


def test_a_confidential_source_is_never_archived(
    ws: Workspace, cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", ["full_name", "quote"], [["Гусляров Аким", "слова"]])
    with pytest.raises(InputError, match="a confidential source is never archived"):
        cli("ingest", str(path), "--confidential", "--archive")
    assert cli("ingest", str(path), "--confidential").exit_code == 0
    with pytest.raises(InputError, match="source 'c' is confidential and is never archived"):
        cli("ingest", str(path), "--archive")
    assert not (ws.root / "archive").exists() or not any((ws.root / "archive").iterdir())


@pytest.mark.slow
def test_a_missing_key_is_one_line_and_loses_nothing(world: Workspace, tmp_path: Path) -> None:
    import os

    from unaccounted.protect import KEY_FILE_ENV

    key = Path(os.environ[KEY_FILE_ENV])
    moved = tmp_path / "moved.key"
    key.rename(moved)
    try:
        before = store_bytes(world)
        r = run_subprocess("--workspace", str(world.root), "export", "records", "--protected")
        assert r.returncode == 2
        assert r.stderr == (
            f"error: no protection key at {key}; restore it from your backup, or set "
            "$UNACCOUNTED_KEY (the protected values cannot be opened without it)\n"
        )
        assert r.stdout == ""
        # new protected data is refused too: no second key is made beside sealed values
        r = run_subprocess("--workspace", str(world.root), "ingest",
                           str(tmp_path / "open_list.csv"))  # fmt: skip
        assert r.returncode == 2 and r.stderr.count("\n") == 1
        assert r.stderr.startswith("error: no protection key at")
        assert not key.exists()
    finally:
        moved.rename(key)
    with Session.open(world.root) as s:
        assert s.store.record_count() == 3
    assert len(before) > 0


def test_a_wrong_key_is_one_line_and_changes_nothing(
    world: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    from unaccounted.protect import KEY_ENV, ProtectionError

    monkeypatch.setenv(KEY_ENV, base64.b64encode(bytes(32)).decode())
    with Session.open(world.root, "rita") as s:
        events = len(s.store.events())
        with pytest.raises(ProtectionError) as exc:
            persons_service.person(s, "P1", protected=True)
        assert len(s.store.events()) == events  # no view was logged: nothing was seen
        # the redacted view still works without the key
        assert "[protected]" in json.dumps(persons_service.person(s, "P1"), ensure_ascii=False)
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith("the workspace's protected values are sealed with key ")
    # ac882389 is the id of 32 zero bytes
    assert message.endswith(f"but the key at ${KEY_ENV} is ac882389; use the key they were "
                            "sealed with")  # fmt: skip


def test_a_tampered_token_in_the_store_is_refused(world: Workspace, tmp_path: Path) -> None:
    from unaccounted.protect import ProtectionError
    from unaccounted.service import workspace as workspace_service

    with Session.open(world.root) as s:
        token = s.store.rows("SELECT url FROM records WHERE record_id = 'o1'")[0]["url"]
        forged = token[:-6] + ("AAAA==" if not token.endswith("AAAA==") else "BBBB==")
        s.store.execute("UPDATE records SET url = ? WHERE record_id = 'o1'", [forged])
        out = tmp_path / "r.csv"
        with pytest.raises(ProtectionError, match="fails its authentication check"):
            workspace_service.export_records(s, "csv", out, protected=True)
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "xlsx"])
def test_every_format_is_sealed_as_it_is_read(
    ws: Workspace, cli: Callable[..., Any], tmp_path: Path, fmt: str
) -> None:
    row = {"full_name": "Лесков Пров", "url": "https://formats.example/Тайна",
           "witness": "Свидетельница Прасковья"}  # fmt: skip
    path = tmp_path / f"f.{fmt}"
    if fmt == "jsonl":
        path.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({k: [v] for k, v in row.items()}), path)
    else:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(list(row))
        sheet.append(list(row.values()))
        book.save(path)
    assert cli("ingest", str(path)).exit_code == 0
    data = store_bytes(ws)
    assert row["full_name"].encode() in data
    assert row["url"].encode() not in data and row["witness"].encode() not in data


def test_the_key_is_never_in_the_store_or_its_events(world: Workspace) -> None:
    import base64
    import os

    from unaccounted.protect import KEY_FILE_ENV, read_key_file

    key = read_key_file(Path(os.environ[KEY_FILE_ENV]))
    data = store_bytes(world)
    assert key not in data and base64.b64encode(key) not in data
    with Session.open(world.root) as s:
        logged = json.dumps(s.store.events(), default=str)
    assert base64.b64encode(key).decode() not in logged
