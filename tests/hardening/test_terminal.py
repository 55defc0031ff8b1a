"""Escape sequences and bidi overrides in the data reach the terminal as visible text."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import write_csv
from unaccounted.cli import app
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.mapping import Mapping
from unaccounted.workspace import Workspace

#: Clear the screen, set the window title, blink, then a right-to-left override.
HOSTILE = "\x1b[2J\x1b]0;owned\x07\x1b[5mX\u202eY"
SHOWN = "\\x1b[2J\\x1b]0;owned\\x07\\x1b[5mX\\u202eY"


def _workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    header = ["record_id", "full_name", "status", "unit"]
    rows = [["r1", f"Иванов {HOSTILE}", f"погиб {HOSTILE}", HOSTILE], ["r2", "", HOSTILE, "x"]]
    path = write_csv(tmp_path / "list.csv", header, rows)
    mapping = Mapping(source=f"src{HOSTILE}", kind="obituary", publisher=HOSTILE, url=HOSTILE)
    ingest_files(ws, [path], IngestOptions(mapping=mapping))
    with ws.store() as store:
        store.load_clusters([("P1", f"src{HOSTILE}", "r1")], "test")
    return ws


def _run(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(app, ["--workspace", str(ws.root), *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_sources_rejects_person_and_explain_record_escape_controls(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    outputs = {
        "sources": _run(ws, "sources"),
        "rejects": _run(ws, "rejects"),
        "person": _run(ws, "person", "P1"),
        "explain-record": _run(ws, "explain-record", f"src{HOSTILE}", "r1"),
    }
    for command, text in outputs.items():
        # Before: the escape bytes and U+202E were written to the terminal as they are.
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text, command
        assert SHOWN in text, command
