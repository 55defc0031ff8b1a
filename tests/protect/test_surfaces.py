"""Every surface that publishes or shows data keeps protected values out: the HTML report,
explain-record, and mappings that protect columns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.protect.conftest import SECRETS
from unaccounted.errors import InputError
from unaccounted.ingest.mapping import load_mapping
from unaccounted.service import Session, tools
from unaccounted.service import link as link_service
from unaccounted.workspace import Workspace


def test_the_html_report_holds_no_protected_value(world: Workspace, tmp_path: Path) -> None:
    with Session.open(world.root) as s:
        index = tools.report(s, tmp_path / "report")
    texts = "".join(
        p.read_text("utf-8", errors="replace")
        for p in index.parent.rglob("*")
        if p.is_file() and p.suffix in (".html", ".csv", ".json", ".js")
    )
    assert "witness_notes" in texts and "open_list" in texts  # the scan reads the report
    assert "enc:v1:" not in texts
    assert all(v not in texts for v in SECRETS.values())


def test_explain_record_shows_protected_values_redacted(world: Workspace) -> None:
    with Session.open(world.root) as s:
        explained = link_service.explain_record(s, "open_list", "o1")
    text = json.dumps(explained, ensure_ascii=False)
    assert "enc:v1:" not in text and SECRETS["url"] not in text


def test_a_mapping_marks_columns_protected(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "columns:\n  ФИО: full_name\n  Ссылка: {column: url, protected: true}\n"
        "  Телефон: {protected: true}\n  Заметка: {protected: false}\nprotected: [Примечание]\n",
        "utf-8",
    )
    m = load_mapping(path)
    assert m.columns == {"ФИО": "full_name", "Ссылка": "url"}
    assert m.protected == ["Примечание", "Ссылка", "Телефон"]
    path.write_text("columns:\n  Ссылка: {column: url, secret: true}\n", "utf-8")
    with pytest.raises(InputError, match="column 'Ссылка': unknown key 'secret'"):
        load_mapping(path)


def test_a_protected_default_is_sealed_and_not_logged(
    ws: Workspace, cli: Callable[..., Any], tmp_path: Path
) -> None:
    from tests.conftest import write_csv
    from tests.protect.conftest import store_bytes

    mapping = tmp_path / "m.yaml"
    mapping.write_text("defaults:\n  quote: сказал сосед Прохор Лаврентьевич\n", "utf-8")
    path = write_csv(tmp_path / "d.csv", ["full_name"], [["Гусляров Аким"]])
    assert cli("ingest", str(path), "--mapping", str(mapping)).exit_code == 0
    assert "Прохор Лаврентьевич".encode() not in store_bytes(ws)
    with Session.open(ws.root) as s:
        (event,) = [e for e in s.store.events() if e["command"] == "ingest"]
    assert json.loads(event["args"])["mapping"]["defaults"] == {"quote": "[protected]"}
