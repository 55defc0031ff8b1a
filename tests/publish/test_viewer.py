"""A viewer sees published persons only — in person views, search, dossiers, grades and
exports — and an unpublished person is answered as an unknown one; reviewers see all."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from tests.publish.world import PUBLISHED
from unaccounted.errors import InputError
from unaccounted.service import RolePermissions, Session, exports, persons
from unaccounted.service import publication as pub
from unaccounted.service.search import search

ROLES = RolePermissions({"vera": "viewer", "rita": "reviewer", "ed": "editor"})
EVERYONE = {"P1", "P2", "P3", "P4", "P5", "P6", "P7"}


def session(workspace: Path, actor: str) -> Session:
    return Session.open(workspace, actor, permissions=ROLES)


def error_of(s: Session, person_id: str) -> str:
    with pytest.raises(InputError) as info:
        persons.person(s, person_id)
    return str(info.value)


def test_person_pages(built: Path) -> None:
    with session(built, "vera") as s:
        assert persons.person(s, "P1")["person_id"] == "P1"
        unknown = error_of(s, "P404")
        for hidden in ("P3", "P5", "P6"):  # rejected, unverified, confidential only
            # word for word what an id that is no person's gets: existence is not revealed
            assert error_of(s, hidden).replace(hidden, "P404") == unknown
    assert unknown == "no person with id 'P404' in this workspace"
    with session(built, "rita") as s:
        assert persons.person(s, "P3")["person_id"] == "P3"


def test_search(built: Path) -> None:
    with session(built, "vera") as s:
        assert [h.person_id for h in search(s, "Сидоров").hits] == []
        assert [h.person_id for h in search(s, "Петров").hits] == ["P2"]
        found = search(s, "Иванов", limit=10)
        assert [h.person_id for h in found.hits] == ["P1"] and found.matched == 1
    with session(built, "rita") as s:
        assert [h.person_id for h in search(s, "Сидоров").hits] == ["P3"]


def test_exports(built: Path, tmp_path: Path) -> None:
    with session(built, "vera") as s:
        out = tmp_path / "persons.csv"
        assert persons.export_persons(s, out) == 4
        with out.open(encoding="utf-8") as fh:
            assert {r["person_id"] for r in csv.DictReader(fh)} == PUBLISHED
        lines = b"".join(exports.persons_stream(s, "jsonl")).decode("utf-8").splitlines()
        assert {json.loads(line)["person_id"] for line in lines} == PUBLISHED
        text = b"".join(exports.persons_stream(s, "csv")).decode("utf-8")
        assert {r["person_id"] for r in csv.DictReader(io.StringIO(text))} == PUBLISHED
    with session(built, "rita") as s:
        assert persons.export_persons(s, tmp_path / "all.csv") == 7


def test_dossiers_and_grades(built: Path) -> None:
    with session(built, "vera") as s:
        # the unit 102 ОМСБр has P1 (published) and P3 (rejected); Курская P1, P2, P5, P7
        assert [p["person_id"] for p in persons.unit(s, "102 ОМСБр")["people"]] == ["P1"]
        assert [p["person_id"] for p in persons.region(s, "RU-KRS")["people"]] == [
            "P1", "P2", "P7"]  # fmt: skip
        counts = {g["grade"]: g["persons"] for g in persons.grades(s)["grades"]}
        assert counts == {"confirmed": 2, "probable": 2}
    with session(built, "rita") as s:
        assert [p["person_id"] for p in persons.unit(s, "102 ОМСБр")["people"]] == ["P1", "P3"]
        assert sum(g["persons"] for g in persons.grades(s)["grades"]) == 7


def test_a_rule_change_shows_at_once_and_the_ids_are_kept_per_store_state(
    workspace: Path,
) -> None:
    with session(workspace, "ed") as s:
        pub.set_rule(s, min_grade="unverified", exclude_protected_only=False)
    with session(workspace, "vera") as s:
        first = pub.published_ids(s)
        assert first == EVERYONE - {"P3"}
        t0 = time.perf_counter()
        for _ in range(100):
            assert pub.published_ids(s) is first  # kept: no recomputation while unchanged
        assert (time.perf_counter() - t0) / 100 < 0.05
        assert persons.person(s, "P6")["person_id"] == "P6"
