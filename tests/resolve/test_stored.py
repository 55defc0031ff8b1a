"""Stored person views: written once, read back exactly, rewritten only where inputs changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.resolve.world import CLUSTERS, OBITUARIES, OFFICIAL, build, ingest_again
from unaccounted.analyze import analyze
from unaccounted.errors import InputError
from unaccounted.resolve import all_views, person_view, workspace_rules
from unaccounted.resolve.claims import claims_by_person
from unaccounted.resolve.rules import GradingRules
from unaccounted.resolve.serial import ANALYSIS_VALUES, decode, encode
from unaccounted.resolve.stored import (
    refresh_views,
    stored_view,
    stored_views,
    views_current,
)
from unaccounted.resolve.view import PersonView, view_of
from unaccounted.store import Store
from unaccounted.workspace import Workspace


def computed(store: Store, rules: GradingRules) -> list[PersonView]:
    """Every view computed from the claims, as before views were stored."""
    return [view_of(p, cs, rules) for p, cs in claims_by_person(store.all_claims())]


def same(a: list[PersonView], b: list[PersonView]) -> bool:
    """Equal views, down to every claim's values (which dataclass equality leaves out)."""
    return (
        a == b
        and [v.as_dict() for v in a] == [v.as_dict() for v in b]
        and [[c.values for c in v.claims] for v in a] == [[c.values for c in v.claims] for v in b]
    )


def refresh(ws: Workspace, rules: GradingRules, person_ids: list[str] | None = None) -> int:
    with ws.store() as store, store.transaction():
        return refresh_views(store, rules, person_ids)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return build(tmp_path)


def test_views_are_written_once_and_read_back_exactly(ws: Workspace) -> None:
    rules = workspace_rules(ws)
    assert refresh(ws, rules) == 3  # P1, P2, P3
    assert refresh(ws, rules) == 0  # nothing changed since
    with ws.store(read_only=True) as store:
        stored = list(stored_views(store))
        assert same(stored, computed(store, rules))
        assert [v.person_id for v in stored] == ["P1", "P2", "P3"]
        row = store.rows("SELECT * FROM person_views WHERE person_id = 'P1'")[0]
    # P1: the official notice says missing, the obituary killed. The death is the outcome
    # and only the obituary states it: one documentary source, probable.
    assert (row["grade"], row["outcome"], row["status"], row["records"], row["sources"]) == (
        "probable",
        "dead",
        "missing",  # the notice (20 May) is published after the obituary (5 May)
        2,
        2,
    )
    assert row["unit_keys"] == ["brigade:102", "omsbr:102"]
    assert row["region"] == "RU-KRS"
    assert "Иванов Иван Иванович" in row["names"] and "Иванов Иван" in row["names"]


def test_the_text_of_a_view_round_trips(ws: Workspace) -> None:
    rules = workspace_rules(ws)
    with ws.store(read_only=True) as store:
        views = computed(store, rules)
    for v in views:
        texts = encode(v)
        assert same([decode(v.person_id, texts)], [v])
        summary = decode(v.person_id, texts._replace(detail=None))
        # A summary is the view without the bulk: equal but for every value seen.
        assert summary.claims == v.claims and summary.history == v.history
        assert summary.grade == v.grade and summary.assessment == v.assessment
        assert {n: (b.value, b.shown, b.rule) for n, b in summary.best.items()} == {
            n: (b.value, b.shown, b.rule) for n, b in v.best.items()
        }
        for s, c in zip(summary.claims, v.claims, strict=True):
            assert s.values == {k: c.values[k] for k in ANALYSIS_VALUES if k in c.values}


def test_only_the_persons_whose_inputs_changed_are_rewritten(ws: Workspace, tmp_path: Path) -> None:
    rules = workspace_rules(ws)
    refresh(ws, rules)
    # A new version of b1 (P1's obituary): only P1 is stale.
    changed = [["b1", *OBITUARIES[0][1:3], "100-й батальон", *OBITUARIES[0][4:]]]
    ingest_again(ws, tmp_path, "obits", "obituary", changed)
    assert refresh(ws, rules) == 1
    with ws.store(read_only=True) as store:
        # «102-я бригада» became «100-й батальон» (a class key: no type named)
        assert stored_view(store, "P1").unit_keys == ["battalion:100", "omsbr:102"]
    # The obituaries join the official group: every person with an obituary, P1 and P2.
    with ws.store() as store:
        store.set_group("obits", "state")
    assert refresh(ws, rules) == 2
    # b2 leaves P2 for a new person P4: P2 and P4 are rewritten; P3 leaves the clustering.
    moved = [c for c in CLUSTERS if c[2] not in ("b2", "a3")] + [("P4", "obits", "b2")]
    with ws.store() as store:
        store.load_clusters(moved, "test")
    assert refresh(ws, rules) == 2
    with ws.store(read_only=True) as store:
        assert [v.person_id for v in stored_views(store)] == ["P1", "P2", "P4"]
        assert same(list(stored_views(store)), computed(store, rules))
    # Asked for, a view is rewritten whether stale or not.
    assert refresh(ws, rules, ["P2"]) == 1
    # Other rules: every view.
    other = rules.model_copy(update={"birth_tolerance_days": rules.birth_tolerance_days + 1})
    assert refresh(ws, other) == 3


def test_a_read_only_store_computes_stale_views_and_writes_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    rules = workspace_rules(ws)
    refresh(ws, rules)
    changed = [["a3", "Сидоров Семён", "погиб", *OFFICIAL[2][3:]]]
    ingest_again(ws, tmp_path, "mod", "official", changed)
    with ws.store(read_only=True) as store:
        assert not views_current(store, rules)
        views = list(all_views(store, rules))
        assert same(views, computed(store, rules))
        assert views[2].history.current == "killed"  # computed, not the stored "wounded"
        assert stored_view(store, "P3").history.current == "wounded"
        assert person_view(store, "P3", rules).history.current == "killed"


def test_analyze_stores_the_views_it_reads(ws: Workspace) -> None:
    rules = workspace_rules(ws)
    with ws.store(read_only=True) as store:
        assert store.view_count() == 0  # loading clusters wrote none
    analysis = analyze(ws)
    with ws.store(read_only=True) as store:
        assert store.view_count() == 3
        assert views_current(store, rules)
        full = computed(store, rules)
    # The analysis reads summaries: the same persons, grades and histories.
    assert [(v.person_id, v.grade, v.history) for v in analysis.views] == [
        (v.person_id, v.grade, v.history) for v in full
    ]


def test_unknown_person_is_a_one_line_error(ws: Workspace) -> None:
    rules = workspace_rules(ws)
    refresh(ws, rules)
    with ws.store(read_only=True) as store, pytest.raises(InputError) as err:
        person_view(store, "P9", rules)
    assert str(err.value) == "no person with id 'P9' in this workspace"


def test_a_stored_view_decodes_only_the_parts_used(ws: Workspace) -> None:
    analysis = analyze(ws)
    analysis.concealment(ws)
    # Unit groups and the concealment report read claims, never best values.
    assert all("claims" in vars(v) and "best" not in vars(v) for v in analysis.views)
    with ws.store(read_only=True) as store:
        view = next(stored_views(store))
        assert view.grade.grade == "probable" and "claims" not in vars(view)
        assert view.history.current == "missing" and "claims" in vars(view)
        # The region comes from its column until the best values are decoded; the same.
        for v in stored_views(store):
            region = v.best_value("region")
            assert "best" not in vars(v)
            assert region == (str(v.best["region"].value) if "region" in v.best else None)
        assert view.best_value("region") == "RU-KRS"
