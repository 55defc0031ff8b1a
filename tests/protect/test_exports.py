"""Exports redact protected values; an editor's --protected export is audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.protect.conftest import PLAIN, SECRETS
from unaccounted.service import PermissionDenied, RolePermissions, Session
from unaccounted.service import exports as exports_service
from unaccounted.service import persons as persons_service
from unaccounted.service import workspace as workspace_service
from unaccounted.workspace import Workspace

ROLES = RolePermissions({"vera": "viewer", "rita": "reviewer", "ed": "editor", "ada": "admin"})


def events(ws: Workspace, command: str) -> list[dict[str, Any]]:
    with Session.open(ws.root) as s:
        return [e for e in s.store.events() if e["command"] == command]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_records_export_is_redacted_by_default(
    world: Workspace, cli: Callable[..., Any], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"records.{fmt}"
    assert cli("export", "records", "-f", fmt, "-o", str(out)).exit_code == 0
    text = _text(out, fmt)
    assert all(v not in text for v in SECRETS.values())
    assert "enc:v1:" not in text
    # o1: url, quote and 3 extras; o2: its quote; c1: its place and story (o3 is a reject)
    assert text.count("[protected]") == 8
    assert PLAIN[0] in text and "quiet words" not in text
    assert events(world, "export-protected") == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_records_export_with_protected_has_the_values_and_an_event(
    world: Workspace, cli: Callable[..., Any], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"records.{fmt}"
    r = cli("--as", "ed", "export", "records", "-f", fmt, "-o", str(out), "--protected")
    assert r.exit_code == 0, r.output
    text = _text(out, fmt)
    assert all(v in text for v in SECRETS.values())
    assert "[protected]" not in text and "enc:v1:" not in text
    (event,) = events(world, "export-protected")
    assert event["actor"] == "ed"
    assert json.loads(event["args"]) == {"what": "records", "format": fmt, "source": None,
                                         "all_versions": False, "out": str(out)}  # fmt: skip


def test_persons_export_redacted_and_protected(world: Workspace, tmp_path: Path) -> None:
    plain, opened = tmp_path / "p.jsonl", tmp_path / "q.jsonl"
    with Session.open(world.root, "ed") as s:
        assert persons_service.export_persons(s, plain) == 2
        assert persons_service.export_persons(s, opened, protected=True) == 2
    text = plain.read_text("utf-8")
    assert "[protected]" in text and all(v not in text for v in SECRETS.values())
    text = opened.read_text("utf-8")
    # the person views hold what linkage joined: the open list's and the witness notes' values
    assert SECRETS["quote"] in text and SECRETS["place"] in text and "[protected]" not in text
    assert [json.loads(e["args"])["what"] for e in events(world, "export-protected")] == [
        "persons"]  # fmt: skip


def test_web_export_streams_are_redacted_unless_asked(world: Workspace) -> None:
    with Session.open(world.root, "ed") as s:
        records = b"".join(exports_service.records_stream(s, "csv")).decode()
        persons = b"".join(exports_service.persons_stream(s, "jsonl")).decode()
        opened = b"".join(exports_service.records_stream(s, "jsonl", protected=True)).decode()
    assert SECRETS["url"] not in records and "[protected]" in records
    assert SECRETS["quote"] not in persons and "[protected]" in persons
    assert SECRETS["url"] in opened
    assert len(events(world, "export-protected")) == 1


def test_only_an_editor_may_export_protected_values(world: Workspace, tmp_path: Path) -> None:
    for actor in ("vera", "rita"):
        with (
            Session.open(world.root, actor, permissions=ROLES) as s,
            pytest.raises(PermissionDenied, match=f"{actor} may not export protected fields"),
        ):
            persons_service.export_persons(s, tmp_path / f"{actor}.jsonl", protected=True)
    with Session.open(world.root, "ada", permissions=ROLES) as s:
        n = workspace_service.export_records(s, "csv", tmp_path / "r.csv", protected=True)
    assert n == 3
    assert [e["actor"] for e in events(world, "export-protected")] == ["ada"]


def _text(path: Path, fmt: str) -> str:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False, default=str)
    text = path.read_text("utf-8")
    if fmt == "jsonl":  # JSON escapes nothing here (ensure_ascii=False), but be sure
        text = json.dumps([json.loads(line) for line in text.splitlines()], ensure_ascii=False)
    return text
