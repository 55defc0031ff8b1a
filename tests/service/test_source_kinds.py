"""Each source its own kind: ``sources --kind SOURCE=KIND``, and a kind changed by ingest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions
from unaccounted.service import Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import workspace as workspace_service
from unaccounted.workspace import Workspace

from ..conftest import write_csv


@pytest.fixture
def split(tmp_path: Path) -> Path:
    """One file, two sources by its ``source`` column."""
    return write_csv(
        tmp_path / "mixed.csv",
        ["source", "full_name"],
        [["vk", "Антонов Антон"], ["court", "Борисов Борис"]],
    )


def _kinds(s: Session) -> dict[str, str]:
    return {str(r["name"]): str(r["kind"]) for r in workspace_service.sources(s)}


def test_each_source_of_a_split_file_gets_its_own_kind(ws: Workspace, split: Path) -> None:
    with Session.open(ws.root, "alice") as s:
        ingest_service.ingest(s, [split], IngestOptions(kind="social"))
        # One --kind for the whole file gave both sources the same kind.
        assert _kinds(s) == {"court": "social", "vk": "social"}
        # The kind is read as loosely as --kind of ingest ("Court" → court).
        assert workspace_service.set_source_kind(s, "court", "Court") == ("social", "court")
        assert _kinds(s) == {"court": "court", "vk": "social"}
        events = workspace_service.events(s)
    # One audited event, by its actor, with the kind before.
    assert events[0]["command"] == "sources"
    assert events[0]["actor"] == "alice"
    assert json.loads(events[0]["args"]) == {"source": "court", "kind": "court"}
    assert json.loads(events[0]["counts"]) == {"previous_kind": "social"}


@pytest.mark.parametrize(
    ("source", "kind", "message"),
    [
        ("nosuch", "court", "no source named 'nosuch'"),
        ("vk", "blog", "unknown source kind 'blog'"),
    ],
)
def test_bad_kind_changes_are_refused(
    ws: Workspace, split: Path, source: str, kind: str, message: str
) -> None:
    with Session.open(ws.root, "alice") as s:
        ingest_service.ingest(s, [split], IngestOptions(kind="social"))
        with pytest.raises(InputError, match=message):
            workspace_service.set_source_kind(s, source, kind)
        assert _kinds(s) == {"court": "social", "vk": "social"}


def test_reingest_with_another_kind_says_so(ws: Workspace, split: Path) -> None:
    with Session.open(ws.root, "alice") as s:
        first = ingest_service.ingest(s, [split], IngestOptions(kind="social"))
        same = ingest_service.ingest(s, [split], IngestOptions(kind="social"))
        other = ingest_service.ingest(s, [split], IngestOptions(kind="news"))
        untold = ingest_service.ingest(s, [split], IngestOptions())
    # New sources have no change; the same kind again none; no --kind leaves kinds alone.
    assert first.kind_changes == [] and same.kind_changes == [] and untold.kind_changes == []
    assert other.kind_changes == [("court", "social", "news"), ("vk", "social", "news")]


def test_the_command_line_sets_kinds_and_prints_changes(
    ws: Workspace, split: Path, cli: Callable[..., Any]
) -> None:
    assert cli("ingest", str(split), "--kind", "social").exit_code == 0
    result = cli("sources", "--kind", "court=court", "--kind", "vk=social")
    assert result.exit_code == 0
    assert "court: kind social -> court" in result.output
    assert "vk: kind social -> social" in result.output
    again = cli("ingest", str(split), "--kind", "news")
    assert "source court: kind changed from court to news" in again.output
    assert "source vk: kind changed from social to news" in again.output
    # (the command line's entry point turns this error into a one-line message)
    with pytest.raises(InputError, match="--kind 'vk': expected SOURCE=KIND"):
        cli("sources", "--kind", "vk")
