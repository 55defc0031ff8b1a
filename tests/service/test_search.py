"""Search through the service and the command line: the index kept current by every write,
hits carrying their person's grade and status, and hostile queries answered in one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_subprocess
from tests.service.test_session import OBITS, POSTS
from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions
from unaccounted.service import Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import link as link_service
from unaccounted.service import persons as persons_service
from unaccounted.service import search as search_service
from unaccounted.workspace import Workspace

CLUSTERS = [("P1", "obits", "r1"), ("P1", "posts", "r1"), ("P2", "obits", "r2"),
            ("P2", "posts", "r2"), ("P3", "obits", "r3")]  # fmt: skip


@pytest.fixture
def linked(ws: Workspace, tmp_path: Path) -> Workspace:
    (tmp_path / "obits.csv").write_text(OBITS, "utf-8")
    (tmp_path / "posts.csv").write_text(POSTS, "utf-8")
    with Session.open(ws.root, "alice") as s:
        ingest_service.ingest(s, [tmp_path / "obits.csv"], IngestOptions(kind="obituary"))
        ingest_service.ingest(s, [tmp_path / "posts.csv"], IngestOptions(kind="social"))
        link_service.normalize(s)
        persons_service.load_clusters(s, CLUSTERS, "clusters.csv")
    return ws


def top(ws: Workspace, query: str, **kw: Any) -> tuple[str | None, str | None, str | None]:
    with Session.open(ws.root, read_only=True) as s:
        hit = search_service.search(s, query, **kw).hits[0]
    return hit.person_id, hit.grade, hit.status


@pytest.mark.parametrize(
    "query",
    ["Петров Сергей Иванович", "Сергей Петров", "Петров С.И.", "С. Петров", "Серёжа Петров",
     "Сергея Петрова", "Sergej Petrow", "Sergey Petrov", "Петров Серегй"],
)  # fmt: skip
def test_every_form_of_a_name_finds_the_same_person(linked: Workspace, query: str) -> None:
    # P1 is an obituary and a post: two independence groups say killed, so confirmed
    assert top(linked, query) == ("P1", "confirmed", "killed")


def test_a_given_name_alone_with_a_unit_filter(linked: Workspace) -> None:
    with Session.open(linked.root, read_only=True) as s:
        found = search_service.search(s, "Андрей", unit="в/ч 41450")
        anyone = search_service.search(s, "Павел", unit="в/ч 41450")
    assert [h.person_id for h in found.hits] == ["P2"]
    assert anyone.hits == []  # Павел Сидоров served in the 25th brigade


def test_the_index_follows_every_write(linked: Workspace, tmp_path: Path) -> None:
    later = tmp_path / "later.csv"
    later.write_text("record_id,full_name,status\nx1,Кузнецов Олег Петрович,погиб\n", "utf-8")
    with Session.open(linked.root, "alice") as s:
        ingest_service.ingest(s, [later], IngestOptions())
        link_service.normalize(s)  # the new record becomes searchable, not yet a person
        unlinked = search_service.search(s, "Олег Кузнецов").hits[0]
        persons_service.load_clusters(s, [*CLUSTERS, ("P4", "later", "x1")], "c.csv")
        linked_hit = search_service.search(s, "Олег Кузнецов").hits[0]
    assert (unlinked.person_id, unlinked.record) == (None, ("later", "x1"))
    assert (linked_hit.person_id, linked_hit.status) == ("P4", "killed")


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("x" * 10_000, "the search query is 10000 characters; at most 200"),
        ("12345 !!", "the search query «12345 !!» has no name in it: give letters"),
    ],
)
def test_hostile_queries_are_one_line_errors(linked: Workspace, query: str, error: str) -> None:
    with Session.open(linked.root, read_only=True) as s, pytest.raises(InputError) as caught:
        search_service.search(s, query)
    assert str(caught.value) == error


def test_sql_and_control_characters_are_only_text(linked: Workspace) -> None:
    with Session.open(linked.root, read_only=True) as s:
        sql = search_service.search(s, "Петров'; DROP TABLE records; --")
        control = search_service.search(s, "Петров\x1b[2J\x00 Сергей")
        still = s.store.record_count()
    # the words of the SQL fragment are names nobody has: a clear "nobody", nothing run
    assert (sql.query, sql.hits) == ("Петров'; DROP TABLE records; --", [])
    assert [h.person_id for h in control.hits][:1] == ["P1"]
    assert still == 5  # nothing was dropped: three obituaries and two posts


def test_the_command_line_search(linked: Workspace, cli: Callable[..., Any]) -> None:
    result = cli("search", "Серёжа Петров", "--json", "--limit", "2")
    data = json.loads(result.stdout)
    assert [h["person_id"] for h in data["hits"]][:1] == ["P1"]
    assert data["hits"][0]["grade"] == "confirmed"
    bad = run_subprocess("--workspace", str(linked.root), "search", "x" * 10_000)
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("error: the search query is 10000 characters; at most 200")


def test_a_name_given_as_a_person_id_names_the_candidates(linked: Workspace) -> None:
    with Session.open(linked.root, read_only=True) as s, pytest.raises(InputError) as caught:
        persons_service.person(s, "Серёжа Петров")
    assert str(caught.value) == (
        "no person with id 'Серёжа Петров'; by name it may be: P1 Петров Сергей Иванович "
        "(see 'unaccounted search')"
    )
