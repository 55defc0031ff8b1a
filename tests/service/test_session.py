"""The service's session: the actor on every write, the permission hook, one definition of
persons, read-only sessions, failed writes, and the shared files' history."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions
from unaccounted.service import ACTIONS, ROLES, PermissionDenied, RolePermissions, Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import link as link_service
from unaccounted.service import persons as persons_service
from unaccounted.service import shared as shared_service
from unaccounted.service import workspace as workspace_service
from unaccounted.service.actions import role_rank
from unaccounted.workspace import Workspace

#: Two small lists naming the same three soldiers (the same ids in both, so that a
#: clustering can put r1 of each together).
HEADER = "record_id,full_name,birth_date,status,unit\n"
OBITS = HEADER + (
    "r1,Петров Сергей Иванович,1990-03-12,погиб,25 ОМСБр\n"
    "r2,Иванов Андрей Петрович,1985,пропал без вести,в/ч 41450\n"
    "r3,Сидоров Павел Олегович,1979-11-02,погиб,25 ОМСБр\n"
)
POSTS = HEADER + ("r1,Серёжа Петров,12.03.1990,погиб,25-я бригада\nr2,Андрей Иванов,,погиб,\n")


@pytest.fixture
def lists(tmp_path: Path) -> tuple[Path, Path]:
    obits, posts = tmp_path / "obits.csv", tmp_path / "posts.csv"
    obits.write_text(OBITS, "utf-8")
    posts.write_text(POSTS, "utf-8")
    return obits, posts


def open_as(ws: Workspace, actor: str, **kw: object) -> Session:
    return Session.open(ws.root, actor, **kw)  # type: ignore[arg-type]


def ingest_both(s: Session, lists: tuple[Path, Path]) -> None:
    """The two lists ingested (an obituary list and social posts) and normalized."""
    obits, posts = lists
    ingest_service.ingest(s, [obits], IngestOptions(kind="obituary"))
    ingest_service.ingest(s, [posts], IngestOptions(kind="social"))
    link_service.normalize(s)


def test_every_write_event_names_the_sessions_actor(
    ws: Workspace, lists: tuple[Path, Path]
) -> None:
    with open_as(ws, "alice") as s:
        ingest_both(s, lists)
        persons_service.load_clusters(
            s, [("P1", "obits", "r1"), ("P1", "posts", "r1"), ("P2", "obits", "r2"),
                ("P3", "posts", "r2"), ("P4", "obits", "r3")], "clusters.csv",
        )  # fmt: skip
        jid = link_service.add_judgement(s, "obits:r2", "posts:r2", "same", "same unit")
        link_service.withdraw_judgement(s, jid)
        workspace_service.set_source_group(s, "posts", "social-media")
        persons_service.confirm_unit_alias(s, "omsbr:25", "vch:41450")
        events = workspace_service.events(s)
        judgements = link_service.judgements(s, include_withdrawn=True)
    commands = [e["command"] for e in reversed(events)]
    # one event per unit of work, in order, each by alice (a group change is logged as
    # "sources", the command that makes it)
    assert commands == ["ingest", "ingest", "normalize", "load-clusters", "judge",
                        "withdraw-judgement", "sources", "confirm-unit-alias"]  # fmt: skip
    assert {e["actor"] for e in events} == {"alice"}
    assert [(j["actor"], j["withdrawn_by"]) for j in judgements] == [("alice", "alice")]


def test_the_actor_comes_from_the_environment_when_not_given(
    ws: Workspace, lists: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNACCOUNTED_USER", "bob")
    with Session.open(ws.root) as s:
        ingest_service.ingest(s, [lists[0]], IngestOptions())
        assert s.actor == "bob"
        assert [e["actor"] for e in workspace_service.events(s)] == ["bob"]


class Deny:
    """A permission hook that refuses the named actions."""

    def __init__(self, *actions: str) -> None:
        self.denied = set(actions)
        self.asked: list[tuple[str, str]] = []

    def allows(self, actor: str, action: str) -> bool:
        self.asked.append((actor, action))
        return action not in self.denied


def test_a_refused_action_writes_nothing(ws: Workspace, lists: tuple[Path, Path]) -> None:
    hook = Deny("ingest", "person")
    with Session.open(ws.root, "carol", permissions=hook) as s:
        before = workspace_service.status(s)
        with pytest.raises(PermissionDenied, match="^carol may not ingest source files$"):
            ingest_service.ingest(s, [lists[0]], IngestOptions())
        after = workspace_service.status(s)
        events = workspace_service.events(s)
        with pytest.raises(PermissionDenied, match="^carol may not see a person$"):
            persons_service.person(s, "P1")
    # nothing stored, not even a failure event: the hook said no before the transaction
    assert after == before and events == []
    assert hook.asked == [("carol", "status"), ("carol", "ingest"), ("carol", "status"),
                          ("carol", "events"), ("carol", "person")]  # fmt: skip


def test_a_failed_write_is_one_failed_event_and_changes_nothing(
    ws: Workspace, lists: tuple[Path, Path]
) -> None:
    with open_as(ws, "dave") as s:
        ingest_service.ingest(s, [lists[0]], IngestOptions())
        before = workspace_service.status(s)
        with pytest.raises(InputError, match="no record 'obits:r9'"):
            link_service.add_judgement(s, "obits:r1", "obits:r9", "same")
        after = workspace_service.status(s)
        events = workspace_service.events(s)
    assert {k: after[k] for k in ("records", "persons")} == {
        k: before[k] for k in ("records", "persons")
    }
    failed = [(e["command"], e["actor"], e["outcome"]) for e in events if e["outcome"] != "ok"]
    assert failed == [("judge", "dave", "failed")]
    assert events[0]["message"] == "no record 'obits:r9' (SOURCE:RECORD_ID) in the workspace"


def test_a_read_only_session_refuses_writes(ws: Workspace, lists: tuple[Path, Path]) -> None:
    with open_as(ws, "erin", read_only=True) as s:
        with pytest.raises(PermissionDenied, match="only reads the workspace; cannot ingest"):
            ingest_service.ingest(s, [lists[0]], IngestOptions())
        assert workspace_service.status(s)["records"] == 0


def test_loading_clusters_twice_keeps_one_definition_of_persons(
    ws: Workspace, lists: tuple[Path, Path]
) -> None:
    with open_as(ws, "alice") as s:
        ingest_both(s, lists)
        first = [("A", "obits", "r1"), ("A", "posts", "r1"), ("B", "obits", "r2"),
                 ("C", "posts", "r2"), ("D", "obits", "r3")]  # fmt: skip
        second = [("X", "obits", "r1"), ("X", "posts", "r1"), ("X", "obits", "r2"),
                  ("X", "posts", "r2"), ("Y", "obits", "r3")]  # fmt: skip
        persons_service.load_clusters(s, first, "first.csv")
        assert workspace_service.status(s)["persons"] == 4
        persons_service.load_clusters(s, second, "second.csv")
        status = workspace_service.status(s)
        views = [v.person_id for v in persons_service.views(s)]
    # the second clustering replaces the first: 2 persons everywhere, not 4 + 2
    assert status["persons"] == 2
    assert views == ["X", "Y"]


def test_shared_files_keep_every_version_with_its_actor(ws: Workspace) -> None:
    with open_as(ws, "alice") as s:
        persons_service.confirm_unit_alias(s, "omsbr:25", "vch:41450")
    (ws.root / "unit_aliases.yaml").write_text(
        "aliases:\n- [omsbr:25, vch:41450]\n- [omsbr:102, vch:12345]\n", "utf-8"
    )
    with open_as(ws, "bob") as s:
        before = {r["name"]: r["workspace_copy"] for r in shared_service.shared_files(s)}
        stored = shared_service.sync_shared_files(s)
        again = shared_service.sync_shared_files(s)
        versions = s.store.shared_file_versions("unit_aliases.yaml")
    assert before == {"unit_aliases.yaml": "changed"}
    # the hand edit is recorded as version 2 by bob; an unchanged file stores nothing
    assert stored == ["unit_aliases.yaml"] and again == []
    assert [(v["version"], v["actor"]) for v in versions] == [(1, "alice"), (2, "bob")]
    assert versions[0]["content"] == "aliases:\n- - omsbr:25\n  - vch:41450\n"


def test_roles_are_ordered_and_each_action_names_its_least_role() -> None:
    hook = RolePermissions({"vera": "viewer", "rita": "reviewer", "ed": "editor", "ada": "admin"})
    table = {
        action: [hook.allows(actor, action) for actor in ("nobody", "vera", "rita", "ed", "ada")]
        for action in ("search", "judge", "ingest", "user-add")
    }
    assert table == {
        "search": [False, True, True, True, True],
        "judge": [False, False, True, True, True],
        "ingest": [False, False, False, True, True],
        "user-add": [False, False, False, False, True],
    }
    assert ROLES == ("viewer", "reviewer", "editor", "admin")
    assert {action.role for action in ACTIONS.values()} <= set(ROLES)
    with pytest.raises(ValueError, match="^unknown role 'owner'; choose one of viewer, "):
        role_rank("owner")


def test_a_session_acts_for_another_actor_for_a_while(ws: Workspace) -> None:
    hook = RolePermissions({"rita": "reviewer", "ed": "editor"})
    with Session.open(ws.root, "ed", permissions=hook) as s:
        assert s.may("ingest") and s.store.actor == "ed"
        with s.acting_as("rita"):
            assert (s.actor, s.store.actor) == ("rita", "rita")
            assert s.may("judge") and not s.may("ingest")
            with pytest.raises(PermissionDenied, match="^rita may not normalize records$"):
                link_service.normalize(s)
        assert (s.actor, s.store.actor) == ("ed", "ed")
        with pytest.raises(ValueError, match="^unknown action 'fly'"):
            s.may("fly")
