"""What the store tells the publication rule: grades, confidential sources, and persons known
only from them."""

from __future__ import annotations

from pathlib import Path

from tests.publish.world import GRADES, mark_confidential
from tests.resolve.world import build


def test_no_source_is_confidential_until_marked(tmp_path: Path) -> None:
    ws = build(tmp_path)  # two sources, three persons, no source ever marked
    with ws.store() as store:
        assert store.confidential_sources() == []
        assert store.confidential_only_persons() == []


def test_persons_known_only_from_confidential_sources(built: Path) -> None:
    from unaccounted.workspace import Workspace

    with Workspace.open(built).store(read_only=True) as store:
        assert store.view_grades() == GRADES
        assert store.confidential_sources() == ["secret"]
        # P1 has open records besides its confidential one; P6 has none
        assert store.confidential_only_persons() == ["P6"]


def test_marking_a_second_source(tmp_path: Path) -> None:
    ws = build(tmp_path)
    with ws.store() as store:
        mark_confidential(store, "obits")
        assert store.confidential_only_persons() == []  # every person has an official record
        mark_confidential(store, "mod")
        assert store.confidential_sources() == ["mod", "obits"]
        assert store.confidential_only_persons() == ["P1", "P2", "P3"]
