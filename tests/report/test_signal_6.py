"""Signal 6 (falsified missing-in-action reports naming a unit) in the command line's
concealment table and in the static report, in English and Russian; the report, made to be
published, counts published incidents only. The accounts are invented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.analyze.test_concealment import _workspace
from unaccounted.cli import app
from unaccounted.service import Session, tools
from unaccounted.service import testimonies as service
from unaccounted.service import testimony_publication as publication
from unaccounted.workspace import Workspace

DECISION = "Суд установил, что извещения о безвестном отсутствии были составлены ложно.\n"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The literal concealment workspace, and a falsified report against в/ч 10002 that a
    court document supports (confirmed)."""
    made = _workspace(tmp_path_factory.mktemp("signal6"), "official")
    with Session.open(made.root, "ed") as s:
        service.add_testimony(s, DECISION.encode(), kind="court_document", source="a court",
                              language="ru")  # fmt: skip
        service.add_incident(s, "falsified_mia_report", start="2024-04")
        service.involve(s, "I-1", "commanding_unit", unit="в/ч 10002")
        service.link(s, "I-1", "T-1")
    return made


def test_the_concealment_table_shows_signal_6(ws: Workspace) -> None:
    result = CliRunner().invoke(app, ["--workspace", str(ws.root), "concealment"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(n for n, line in enumerate(lines) if "vch:10002" in line)
    following = lines[at + 1 : at + 3]
    assert "      signal 6: falsified missing-in-action reports 1 (1 confirmed): I-1 confirmed" in (
        following
    )


def _cell(html: str) -> str:
    found = re.search(r'data-count="conceal/vch:10002/falsified-reports">(\d+)</span>([^<]*'
                      r'(?:<span class="sources">[^<]*</span>)?)', html)  # fmt: skip
    assert found is not None
    return found.group(1) + re.sub(r"<[^>]+>", "", found.group(2))


def test_the_report_counts_published_falsified_reports_only(ws: Workspace, tmp_path: Path) -> None:
    with Session.open(ws.root, "ed") as s:
        tools.report(s, tmp_path / "before")
        publication.publish_incident(s, "I-1")
        tools.report(s, tmp_path / "en")
        tools.report(s, tmp_path / "ru", lang="ru")
    before = (tmp_path / "before" / "concealment.html").read_text("utf-8")
    assert _cell(before) == "0"
    en = (tmp_path / "en" / "concealment.html").read_text("utf-8")
    assert _cell(en) == "1 (1 confirmed)"
    assert '<th class="n">falsified missing-in-action reports</th>' in en
    ru = (tmp_path / "ru" / "concealment.html").read_text("utf-8")
    assert _cell(ru) == "1 (подтверждено: 1)"
    assert '<th class="n">ложные донесения о пропаже без вести</th>' in ru
