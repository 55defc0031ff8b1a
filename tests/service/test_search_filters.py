"""Search filtered by grade and by date of death, alone, together with the other filters,
and under a viewer's publication filter; the command line's ``--grade`` and ``--died``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_subprocess
from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions
from unaccounted.search.query import died_range
from unaccounted.service import RolePermissions, Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import link as link_service
from unaccounted.service import persons as persons_service
from unaccounted.service import search as search_service
from unaccounted.workspace import Workspace

HEADER = "record_id,full_name,birth_date,status,event_date,unit\n"
#: Four invented Petrovs. P1 is in an obituary and a post (confirmed); P2 and P4 in an
#: obituary only (probable), P3 in a post only (unverified).
OBITS = HEADER + (
    "r1,Петров Сергей Иванович,1990-03-12,погиб,2023-05-14,25 ОМСБр\n"
    "r2,Петров Андрей Павлович,1985,погиб,2023-08,в/ч 41450\n"
    "r4,Петров Иван Ильич,1979,погиб,,25 ОМСБр\n"
)
POSTS = HEADER + (
    "r1,Серёжа Петров,12.03.1990,погиб,14.05.2023,25-я бригада\n"
    "r3,Петров Олег Викторович,1992,пропал без вести,2024-02-01,25 ОМСБр\n"
)
CLUSTERS = [("P1", "obits", "r1"), ("P1", "posts", "r1"), ("P2", "obits", "r2"),
            ("P3", "posts", "r3"), ("P4", "obits", "r4")]  # fmt: skip


@pytest.fixture
def petrovs(ws: Workspace, tmp_path: Path) -> Workspace:
    return write_petrovs(ws, tmp_path)


def write_petrovs(ws: Workspace, tmp_path: Path) -> Workspace:
    """The four Petrovs ingested, normalized and clustered into P1–P4."""
    (tmp_path / "obits.csv").write_text(OBITS, "utf-8")
    (tmp_path / "posts.csv").write_text(POSTS, "utf-8")
    with Session.open(ws.root, "alice") as s:
        ingest_service.ingest(s, [tmp_path / "obits.csv"], IngestOptions(kind="obituary"))
        ingest_service.ingest(s, [tmp_path / "posts.csv"], IngestOptions(kind="social"))
        link_service.normalize(s)
        persons_service.load_clusters(s, CLUSTERS, "clusters.csv")
    return ws


def ids(ws: Workspace, actor: str = "alice", **kw: Any) -> list[str | None]:
    hook = RolePermissions({"vera": "viewer", "alice": "editor"})
    with Session.open(ws.root, actor, read_only=True, permissions=hook) as s:
        return sorted(h.person_id for h in search_service.search(s, "Петров", limit=20, **kw).hits)


def grades(ws: Workspace) -> dict[str, str | None]:
    with Session.open(ws.root, read_only=True) as s:
        return {h.person_id or "": h.grade for h in search_service.search(s, "Петров").hits}


def test_the_grades_of_the_four(petrovs: Workspace) -> None:
    assert grades(petrovs) == {"P1": "confirmed", "P2": "probable", "P3": "unverified",
                               "P4": "probable"}  # fmt: skip


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, ["P1", "P2", "P3", "P4"]),
        ({"grade": "confirmed"}, ["P1"]),
        ({"grade": ["unverified"]}, ["P3"]),
        ({"grade": ["confirmed", "unverified"]}, ["P1", "P3"]),
        ({"grade": "confirmed,Probable"}, ["P1", "P2", "P4"]),
        ({"grade": ["contested", "rejected"]}, []),
        ({"died": "2023"}, ["P1", "P2"]),
        ({"died": "2023-05"}, ["P1"]),
        ({"died": "2023-05-14"}, ["P1"]),
        ({"died": "2023-05-15"}, []),
        ({"died": "2023-06..2024-01"}, ["P2"]),
        ({"died": "2023-08-31/2024-02-01"}, ["P2", "P3"]),
        ({"died": "2024.."}, ["P3"]),
        ({"died": "..2023-07"}, ["P1"]),
        ({"died": "2023-2024"}, ["P1", "P2", "P3"]),
        ({"died": "2023", "grade": "probable"}, ["P2"]),
        ({"died": "2023..2024", "unit": "25 ОМСБр"}, ["P1", "P3"]),
        ({"grade": "unverified", "status": "missing"}, ["P3"]),
        ({"grade": "probable", "born": "1979-1985"}, ["P2", "P4"]),
        ({"died": "2023..2024", "grade": "unverified", "unit": "25 ОМСБр"}, ["P3"]),
    ],
)  # fmt: skip
def test_grade_and_date_filters(
    petrovs: Workspace, kw: dict[str, Any], expected: list[str]
) -> None:
    assert ids(petrovs, **kw) == expected


def test_the_filters_are_echoed_as_read(petrovs: Workspace) -> None:
    with Session.open(petrovs.root, read_only=True) as s:
        result = search_service.search(s, "Петров", grade=["unverified", "CONFIRMED"],
                                       died="2023-05..2023")  # fmt: skip
    assert result.filters == {"grade": "confirmed,unverified", "died": "2023-05-01..2023-12-31"}


def test_a_viewer_sees_published_persons_only_with_the_filters(petrovs: Workspace) -> None:
    # the default rule publishes probable and above: all but P3
    assert ids(petrovs, "vera") == ["P1", "P2", "P4"]
    assert ids(petrovs, "vera", grade="unverified") == []
    assert ids(petrovs, "vera", grade=["probable", "unverified"]) == ["P2", "P4"]
    assert ids(petrovs, "vera", died="2023") == ["P1", "P2"]
    assert ids(petrovs, "vera", died="2024") == []
    assert ids(petrovs, "alice", died="2024") == ["P3"]


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("2023", "2023-01-01", "2023-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        (" 2023-5-7 ", "2023-05-07", "2023-05-07"),
        ("2022-2023", "2022-01-01", "2023-12-31"),
        ("2022..2023-03", "2022-01-01", "2023-03-31"),
        ("..2022", "1800-01-01", "2022-12-31"),
        ("2022-06-01..", "2022-06-01", "2100-12-31"),
    ],
)
def test_died_ranges(text: str, lo: str, hi: str) -> None:
    assert died_range(text) == (dt.date.fromisoformat(lo), dt.date.fromisoformat(hi))


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"grade": "certain"},
         "unknown grade «certain»; use one of confirmed, probable, unverified, contested, "
         "rejected"),
        ({"died": "May 2023"},
         "died must be a year, YEAR-MM or YEAR-MM-DD, or two of them as FROM..TO (either end "
         "may be left open), not «May 2023»"),
        ({"died": "2023-13"}, "died: «2023-13» is not a date"),
        ({"died": "2023-02-30"}, "died: «2023-02-30» is not a date"),
        ({"died": "2024..2023"},
         "died must be dates between 1800 and 2100, earlier first, not «2024..2023»"),
        ({"died": ".."},
         "died must be a year, YEAR-MM or YEAR-MM-DD, or two of them as FROM..TO (either end "
         "may be left open), not «..»"),
    ],
)  # fmt: skip
def test_bad_filters_are_one_line_errors(
    petrovs: Workspace, kw: dict[str, Any], error: str
) -> None:
    with Session.open(petrovs.root, read_only=True) as s, pytest.raises(InputError) as caught:
        search_service.search(s, "Петров", **kw)
    assert str(caught.value) == error


def test_the_command_line_filters(petrovs: Workspace, cli: Callable[..., Any]) -> None:
    result = cli("search", "Петров", "--grade", "probable", "--grade", "confirmed",
                 "--died", "2023-05..2023-12", "--json")  # fmt: skip
    data = json.loads(result.stdout)
    assert sorted(h["person_id"] for h in data["hits"]) == ["P1", "P2"]
    assert data["filters"] == {"grade": "confirmed,probable", "died": "2023-05-01..2023-12-31"}
    bad = run_subprocess("--workspace", str(petrovs.root), "search", "Петров", "--died", "x")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "error: died must be a year, YEAR-MM or YEAR-MM-DD, or two of them as FROM..TO "
        "(either end may be left open), not «x»"
    )
