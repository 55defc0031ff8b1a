"""``unaccounted audit verify`` and ``audit log`` as a user meets them, and ``doctor``
reporting a broken chain."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from unaccounted.service import PermissionDenied, RolePermissions, Session, audit
from unaccounted.workspace import Workspace

from ..conftest import run_subprocess, write_csv

Cli = Callable[..., Any]


@pytest.fixture
def logged(ws: Workspace, tmp_path: Path, cli: Cli) -> Workspace:
    """Four entries: ann ingests, bob changes the source's kind and group, cid fails."""
    csv = write_csv(tmp_path / "obits.csv", ["record_id", "full_name"], [["r1", "Фомин Фёдор"]])
    assert cli("--as", "ann", "ingest", str(csv)).exit_code == 0
    assert cli("--as", "bob", "sources", "--kind", "obits=grave").exit_code == 0
    assert cli("--as", "bob", "sources", "--group", "obits=g1").exit_code == 0
    refused = run_subprocess("-w", str(ws.root), "--as", "cid", "sources", "--group", "nope=g1")
    assert refused.returncode == 2
    return ws


def rows(cli: Cli, *args: str) -> list[tuple[int, str, str, str]]:
    result = cli("audit", "log", "--json", *args)
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    return [(e["event_id"], e["actor"], e["action"], e["outcome"]) for e in found]


def test_a_clean_workspace_verifies(logged: Workspace, cli: Cli) -> None:
    result = cli("audit", "verify")
    assert (result.exit_code, result.stderr) == (0, "audit log intact: 4 entries\n")
    as_json = json.loads(cli("audit", "verify", "--json").stdout)
    head = as_json.pop("head")
    assert as_json == {"ok": True, "entries": 4, "entry": None, "reason": None, "detail": ""}
    assert len(head) == 64 and int(head, 16) >= 0  # the SHA-256 to keep elsewhere
    # a head kept from now verifies later, and one the log never held does not
    assert cli("audit", "verify", "--head", head).exit_code == 0
    other = cli("audit", "verify", "--head", "ab" * 32)
    assert other.exit_code == 1
    assert other.stderr.startswith("audit log broken (rewritten): the head you kept (abababab")
    typo = run_subprocess("-w", str(logged.root), "audit", "verify", "--head", head[:20])
    assert (typo.returncode, typo.stderr) == (2, (
        f"error: --head '{head[:20]}': expected the 64 hexadecimal characters of a head that "
        "'audit verify --json' printed\n"
    ))  # fmt: skip


def test_audit_log_lists_every_entry_newest_first(logged: Workspace, cli: Cli) -> None:
    assert rows(cli) == [
        (4, "cid", "set-source-group", "failed"),
        (3, "bob", "sources", "ok"),
        (2, "bob", "sources", "ok"),
        (1, "ann", "ingest", "ok"),
    ]
    entry = json.loads(cli("audit", "log", "--json", "--limit", "1").stdout)[0]
    assert entry["args"] == {"source": "nope", "group": "g1"}
    assert entry["message"] == "no source named 'nope' (see 'unaccounted sources')"
    assert len(entry["entry_hash"]) == 64


def test_audit_log_filters_by_actor_action_since_and_limit(logged: Workspace, cli: Cli) -> None:
    assert rows(cli, "--actor", "bob") == [(3, "bob", "sources", "ok"), (2, "bob", "sources", "ok")]
    assert rows(cli, "--action", "ingest") == [(1, "ann", "ingest", "ok")]
    assert rows(cli, "--actor", "bob", "--action", "ingest") == []
    assert rows(cli, "--limit", "2") == [
        (4, "cid", "set-source-group", "failed"), (3, "bob", "sources", "ok"),
    ]  # fmt: skip
    # --since a moment: the entries logged then or later (entry 3's own time)
    third = json.loads(cli("audit", "log", "--json", "--limit", "2").stdout)[1]
    assert [r[0] for r in rows(cli, "--since", third["logged_at"])] == [4, 3]
    # --since a day: from its local midnight
    today = dt.datetime.fromisoformat(third["logged_at"]).astimezone().date()
    assert [r[0] for r in rows(cli, "--since", today.isoformat())] == [4, 3, 2, 1]
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert rows(cli, "--since", tomorrow) == []
    none = cli("audit", "log", "--since", tomorrow)
    assert (none.exit_code, none.stderr) == (0, "no audit entries match\n")


def test_audit_log_shows_a_table(logged: Workspace, cli: Cli) -> None:
    result = cli("audit", "log", "--actor", "bob")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [c.strip() for c in lines[1].strip("┃").split("┃")] == [
        "entry", "when", "actor", "action", "outcome", "what",
    ]  # fmt: skip
    body = [line for line in lines if line.startswith("│")]
    assert body[0].split("│")[1].strip() == "3" and "source=obits" in body[0]
    assert "group=g1" in result.stdout and "kind=grave" in result.stdout


def test_a_bad_since_is_one_line(logged: Workspace) -> None:
    done = run_subprocess("-w", str(logged.root), "audit", "log", "--since", "last week")
    assert done.returncode == 2
    assert done.stderr == (
        "error: --since 'last week': expected a day (2026-03-01) or a moment (2026-03-01T14:00)\n"
    )


def tamper(ws: Workspace, sql: str) -> None:
    con = duckdb.connect(str(ws.store_path))
    con.execute(sql)
    con.close()


def test_a_tampered_log_fails_verify_naming_the_entry(logged: Workspace, cli: Cli) -> None:
    tamper(logged, "UPDATE events SET args = '{\"source\": \"obits\", \"kind\": \"court\"}' "
           "WHERE event_id = 2")  # fmt: skip
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == (
        "audit log broken at entry 2 (edited): entry 2 was changed after it was written "
        "(its contents no longer match its hash)\n"
    )
    as_json = json.loads(cli("audit", "verify", "--json").stdout)
    assert (as_json["ok"], as_json["entry"], as_json["reason"]) == (False, 2, "edited")


def test_a_deleted_last_entry_fails_verify(logged: Workspace, cli: Cli) -> None:
    tamper(logged, "DELETE FROM events WHERE event_id = 4")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == (
        "audit log broken at entry 4 (deleted): the newest entries are missing (1 of 4): the "
        "log ends at entry 3, the store last wrote entry 4\n"
    )


def test_doctor_reports_a_broken_chain(logged: Workspace, cli: Cli) -> None:
    sound = cli("doctor")
    assert sound.exit_code == 0
    assert "ok     the audit log is intact: 4 entries" in sound.stdout.splitlines()
    tamper(logged, "UPDATE events SET event_id = 100 WHERE event_id = 3")
    tamper(logged, "UPDATE events SET event_id = 3 WHERE event_id = 2")
    tamper(logged, "UPDATE events SET event_id = 2 WHERE event_id = 100")
    broken = cli("doctor")
    assert broken.exit_code == 1
    assert (
        "FAILED the audit log is intact: audit log broken at entry 2 (reordered): entry 2 was "
        "written after entry 3, which now stands after it"
    ) in broken.stdout.splitlines()
    assert broken.stderr == f"1 of {len(broken.stdout.splitlines())} checks failed\n"


def test_reading_the_audit_log_takes_an_admin_and_verifying_an_editor(logged: Workspace) -> None:
    roles = RolePermissions({"ed": "editor", "ad": "admin"})
    with Session.open(logged.root, "ed", read_only=True, permissions=roles) as s:
        assert audit.verify(s).ok
        with pytest.raises(PermissionDenied, match="ed may not read the audit log"):
            audit.log(s)
    with Session.open(logged.root, "ad", read_only=True, permissions=roles) as s:
        assert [e.event_id for e in audit.log(s, actor="ann")] == [1]
