"""Who may do what with testimonies: viewers nothing, reviewers read (protected passages
and originals on request, audited), editors take in and edit."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.testimonies.conftest import INTERVIEW, REPORT, ROLES, add
from unaccounted.cli import app
from unaccounted.service import PermissionDenied, Session, accounts
from unaccounted.service import testimonies as service
from unaccounted.workspace import Workspace


def as_(ws: Workspace, who: str) -> Session:
    return Session.open(ws.root, who, permissions=ROLES)


@pytest.fixture
def world(ws: Workspace) -> Workspace:
    add(ws.root, INTERVIEW)
    add(ws.root, REPORT, kind="media_report", source="gazette")
    with as_(ws, "ed") as s:
        service.add_place(s, "Горелая Балка")
        service.add_incident(s, "torture", start="2024-03")
    return ws


def test_a_viewer_sees_nothing_of_testimonies_or_incidents(world: Workspace) -> None:
    with as_(world, "vera") as s:
        with pytest.raises(PermissionDenied, match="vera may not see testimonies"):
            service.testimonies(s)
        with pytest.raises(PermissionDenied, match="vera may not see testimonies"):
            service.show_testimony(s, "T-2")
        with pytest.raises(PermissionDenied, match="vera may not read a testimony's original"):
            service.testimony_original(s, "T-2")
        with pytest.raises(PermissionDenied, match="vera may not see incidents"):
            service.incidents(s)
        with pytest.raises(PermissionDenied, match="vera may not see incidents"):
            service.incident_types(s)


def test_a_reviewer_reads_but_may_not_change(world: Workspace) -> None:
    with as_(world, "rita") as s:
        assert [t["id"] for t in service.testimonies(s)] == ["T-1", "T-2"]
        assert service.show_testimony(s, "T-1")["text"] == "[protected]"
        assert service.show_testimony(s, "T-1", protected=True)["text"] == INTERVIEW.decode()
        refusals = {
            "take in a testimony": lambda: service.add_testimony(
                s, b"x", kind="interview", source="a", language="ru"),
            "add an incident": lambda: service.add_incident(s, "torture"),
            "link a testimony to an incident": lambda: service.link(s, "I-1", "T-1"),
            "name who was involved in an incident": lambda: service.involve(
                s, "I-1", "victim", actor="Некто"),
            "add a place": lambda: service.add_place(s, "Тихая Заводь"),
            "add an incident type to the vocabulary": lambda: service.add_incident_type(
                s, "water_torture", "water torture"),
            "set the level of a testimony's passage": lambda: service.mark_passage(
                s, "T-2", "0:5", "public"),
        }  # fmt: skip
        for summary, call in refusals.items():
            with pytest.raises(PermissionDenied, match=f"rita may not {summary}"):
                call()


def test_an_editor_takes_in_and_edits(world: Workspace) -> None:
    with as_(world, "ed") as s:
        service.add_place(s, "Тихая Заводь")
        assert service.edit_incident(s, "I-1", place="тихая  заводь") == {"place_id": "PL-2"}
        assert service.link(s, "I-1", "T-1", "0:40") is True
        assert service.link(s, "I-1", "T-1", "0:40") is False  # the same link once
        shown = service.incident(s, "I-1")
    assert (shown["place"], [x["testimony_id"] for x in shown["support"]]) == (
        "Тихая Заводь", ["T-1"])  # fmt: skip


READS = [
    ["testimony", "list"],
    ["testimony", "show", "T-2"],
    ["testimony", "custody", "T-1"],
    ["testimony", "suggestions", "T-2"],
    ["testimony", "verify", "T-2"],
    ["incident", "list"],
    ["incident", "show", "I-1"],
    ["incident", "types"],
    ["places", "list"],
    ["places", "show", "PL-1"],
]


@pytest.mark.parametrize("command", READS, ids=[" ".join(c) for c in READS])
def test_every_read_command_is_for_reviewers_and_up(world: Workspace, command: list[str]) -> None:
    with Session.open(world.root, "ada") as s:
        for name, role in (("ada", "admin"), ("vera", "viewer"), ("rita", "reviewer")):
            accounts.add_user(s, name, role, f"{name}'s long password")
    runner = CliRunner()
    base = ["--workspace", str(world.root), "--as"]
    with pytest.raises(PermissionDenied, match="^vera may not see (testimonies|incidents)"):
        runner.invoke(app, [*base, "vera", *command], catch_exceptions=False)
    done = runner.invoke(app, [*base, "rita", *command], catch_exceptions=False)
    assert done.exit_code == 0, done.output
