"""The store's contract: what every backend of ``store/base.py`` must do.

Each test drives the interface alone (no SQL, no stage) on a fresh store and asserts the
exact values a stage relies on. A new backend (PostgreSQL for a team server) is added to
``BACKENDS`` and must pass the same tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from unaccounted.settings import StoreSettings
from unaccounted.store import Store, create_store, open_store
from unaccounted.store.types import Part, SourceMeta, StageColumn

Opener = Callable[..., Store]


def _duckdb(tmp_path: Path) -> tuple[Opener, Opener]:
    path = tmp_path / "store.duckdb"

    def create(**kw: object) -> Store:
        return create_store(path, StoreSettings(), **kw)  # type: ignore[arg-type]

    def reopen(**kw: object) -> Store:
        return open_store(path, StoreSettings(), **kw)  # type: ignore[arg-type]

    return create, reopen


BACKENDS = {"duckdb": _duckdb}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Opener, Opener]:
    return BACKENDS[request.param](tmp_path)


@pytest.fixture
def store(backend: tuple[Opener, Opener]) -> Iterator[Store]:
    create, _ = backend
    with create(actor="tester") as s:
        yield s


COLUMNS = (StageColumn("c0", "record_id", "record_id"), StageColumn("c1", "ФИО", "full_name"),
           StageColumn("c2", "status", "status"), StageColumn("c3", "note", None))  # fmt: skip


def ingest_rows(store: Store, rows: list[tuple[str, str, str, str]], source: str = "obits",
                kind: str | None = "obituary") -> dict[str, int]:  # fmt: skip
    """One ingest through the staging interface, as the ingest stage drives it."""
    event_id = store.next_event_id()
    part = Part(0, f"sha-{event_id}", f"/in/{source}.csv", None, COLUMNS, source)
    batch = pa.table({
        "_line": pa.array(range(2, len(rows) + 2), pa.int64()),
        **{c.name: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(COLUMNS)},
    })  # fmt: skip
    with store.stager(event_id) as stager:
        stager.open(part)
        stager.append(part, batch)
        stager.append_bad(part, [(len(rows) + 2, "ragged", "too many cells", ["x", "y"])])
        with store.transaction():
            stager.record_file({"sha256": part.file_sha256, "size": 10, "format": "csv",
                                "name": f"{source}.csv", "encoding": "utf-8",
                                "archived_as": None})  # fmt: skip
            counts = stager.merge(part, SourceMeta(kind=kind))
            stager.record_part(part, counts)
            store.log_event(event_id, "ingest", {"source": source}, counts)
    return counts


def test_a_new_store_is_empty_at_the_latest_schema(store: Store) -> None:
    assert store.counts() == {"sources": 0, "records": 0, "rejects": 0, "persons": 0,
                              "record_versions": 0, "files": 0, "events": 0}  # fmt: skip
    assert store.schema_version() >= 5 and store.actor == "tester"
    assert not hasattr(store, "con")  # the connection is the backend's own


def test_records_versions_and_rejects(store: Store) -> None:
    first = ingest_rows(store, [("r1", "Петров С.И.", "погиб", ""), ("r2", "", "погиб", "x")])
    # r2 names nobody (the reader's ragged row is counted by the reader, not the merge)
    assert first == {"new": 1, "no_name": 1}
    again = ingest_rows(store, [("r1", "Петров С.И.", "пропал без вести", ""),
                                ("r3", "Иванов А.", "погиб", "")])  # fmt: skip
    assert again == {"version": 1, "new": 1}
    assert store.record_count() == 2 and store.count_records(all_versions=True) == 3
    assert store.record_exists("obits", "r1") and not store.record_exists("obits", "r2")
    rows = store.record_batches().read_all().to_pylist()
    assert [(r["record_id"], r["version"], r["status"]) for r in rows] == [
        ("r1", 2, "пропал без вести"), ("r3", 1, "погиб"),
    ]  # fmt: skip
    assert [(r["reason_code"], r["line"]) for r in store.rejects()] == [
        ("no_name", 3), ("ragged", 4), ("ragged", 4),
    ]  # fmt: skip
    assert [(s["name"], s["kind"], s["records"], s["rejects"]) for s in store.sources()] == [
        ("obits", "obituary", 2, 3)
    ]


def test_a_failed_transaction_leaves_the_store_as_it_was(store: Store) -> None:
    ingest_rows(store, [("r1", "Петров С.И.", "погиб", "")])
    before = store.counts()
    with pytest.raises(RuntimeError), store.transaction():
        store.set_group("obits", "copies")
        with store.transaction():  # an inner transaction joins the outer one
            store.log_event(store.next_event_id(), "x", {}, {})
        raise RuntimeError("boom")
    assert store.counts() == before
    assert [s["independence_group"] for s in store.sources()] == ["obits"]


def test_events_name_the_actor_and_count_failures(store: Store) -> None:
    store.log_event(store.next_event_id(), "ingest", {"a": 1}, {"n": 2})
    store.log_failure("link", {}, "nothing to link")
    events = store.events()
    assert [(e["command"], e["actor"], e["outcome"], e["message"]) for e in events] == [
        ("link", "tester", "failed", "nothing to link"), ("ingest", "tester", "ok", None),
    ]  # fmt: skip
    assert (store.events_logged, store.failures_logged) == (2, 1)
    assert store.latest_event() is not None and store.latest_event()["command"] == "ingest"  # type: ignore[index]


def test_persons_are_the_current_clustering_and_loading_replaces_it(store: Store) -> None:
    ingest_rows(store, [("r1", "Петров С.И.", "погиб", ""), ("r3", "Иванов А.", "погиб", "")])
    assert store.load_clusters([("A", "obits", "r1"), ("B", "obits", "r3"),
                                ("C", "obits", "nope")], "load") == 2  # fmt: skip
    assert store.person_count() == 2 and store.counts()["persons"] == 2
    store.load_clusters([("Z", "obits", "r1"), ("Z", "obits", "r3")], "load")
    assert store.person_count() == 1 and store.counts()["persons"] == 1
    assert [c["record_id"] for c in store.claims_of("Z")] == ["r1", "r3"]
    assert store.claims_of("A") == [] and store.person_of("obits", "r1") == "Z"


def test_judgements_in_force_and_withdrawn(store: Store) -> None:
    ingest_rows(store, [("r1", "Петров С.И.", "погиб", ""), ("r3", "Иванов А.", "погиб", "")])
    with store.transaction():
        first = store.add_judgement(("obits", "r3"), ("obits", "r1"), "same", None, None, 1)
        store.add_judgement(("obits", "r1"), ("obits", "r3"), "different", 0.4, "no", 2)
    # stored in canonical order; the later decision about a pair is the one in force
    in_force = store.judgements_in_force()
    assert [(j["record_id_l"], j["record_id_r"], j["decision"]) for j in in_force] == [
        ("r1", "r3", "different")
    ]
    assert store.withdraw_judgement(first, 3) and not store.withdraw_judgement(99, 4)
    assert [(j["decision"], j["actor"], j["withdrawn_by"]) for j in store.all_judgements()] == [
        ("same", "tester", "tester"), ("different", "tester", None),
    ]  # fmt: skip


def test_shared_files_keep_versions(store: Store) -> None:
    assert store.shared_file("rules.yaml") is None
    store.log_event(7, "put", {}, {})
    assert store.put_shared_file("rules.yaml", "a: 1\n", 7)
    assert not store.put_shared_file("rules.yaml", "a: 1\n", 7)  # unchanged: nothing stored
    assert store.put_shared_file("rules.yaml", "a: 2\n", 7)
    current = store.shared_file("rules.yaml")
    assert current is not None and (current["version"], current["content"]) == (2, "a: 2\n")
    assert [v["version"] for v in store.shared_file_versions("rules.yaml")] == [1, 2]
    assert store.shared_file_names() == ["rules.yaml"]


def test_a_read_only_store_reads_and_refuses_writes(backend: tuple[Opener, Opener]) -> None:
    create, reopen = backend
    with create() as s:
        ingest_rows(s, [("r1", "Петров С.И.", "погиб", "")])
    with reopen(read_only=True) as s:
        assert s.read_only and s.record_count() == 1
        with pytest.raises(Exception, match="read-only"):
            s.set_group("obits", "x")


def test_a_lent_store_stays_open_for_its_owner(store: Store) -> None:
    with store.lend() as borrowed:
        assert borrowed.record_count() == 0
    assert store.record_count() == 0  # the owner's connection is still open


def test_files_are_listed_by_content_with_their_sources(store: Store) -> None:
    ingest_rows(store, [("r1", "Петров С.И.", "погиб", "")])
    ingest_rows(store, [("r3", "Иванов А.", "погиб", "")], source="posts", kind="social")
    found = [(f["sha256"], f["name"], f["size"], f["format"], f["ingests"], f["sources"],
              f["records"]) for f in store.files()]  # fmt: skip
    # each test ingest is one file of its own (sha-<event>), read once, oldest first
    assert found == [
        ("sha-1", "obits.csv", 10, "csv", 1, ["obits"], 1),
        ("sha-2", "posts.csv", 10, "csv", 1, ["posts"], 1),
    ]
    assert all(f["first_ingested"] is not None for f in store.files())


def test_testimonies_keep_the_original_and_the_incident_graph(store: Store) -> None:
    import datetime as dt

    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    with store.transaction():
        tid = store.next_testimony_id()
        store.add_testimony({
            "id": tid, "kind": "media_report", "source": "gazette",
            "independence_group": "gazette", "date_edtf": "2024-03",
            "date_lo": dt.date(2024, 3, 1), "date_hi": dt.date(2024, 3, 31), "language": "ru",
            "file_name": "a.txt", "size": 3, "chars": 3, "sha256": "ab" * 32,
            "original_clear": b"\x00\xffa", "original_sealed": None, "level": "public",
            "witness_id": "W-23456", "witness_sealed": "enc:v1:00000000:AAAA",
            "received_by": "tester", "received_at": now, "intake_event": 1,
        })  # fmt: skip
        store.add_passage(tid, 0, 2, "restricted", now)
        place = store.add_place("Тихая Заводь", 47.25, 38.5, now)
        store.add_place_alias("тихая заводь", place, "Тихая Заводь")
        store.add_place_alias("tikhaya zavod", place, "Tikhaya Zavod")
        store.add_incident_type("cage", "cage", "", now)
        iid = store.add_incident(
            {"type": "cage", "from_edtf": "2024-03", "from_lo": dt.date(2024, 3, 1),
             "to_edtf": None, "to_hi": dt.date(2024, 3, 31), "place_id": place, "summary": ""},
            now,
        )  # fmt: skip
        store.add_involvement(iid, {"role": "perpetrator", "unit_raw": "25 ОМСБр",
                                    "unit_key": "omsbr:25"}, now)  # fmt: skip
        assert store.add_support(iid, tid, 0, 2, now) is True
        assert store.add_support(iid, tid, 0, 2, now) is False  # once
    # the original comes back byte for byte, never in a listing
    assert store.testimony_original(tid) == (b"\x00\xffa", None)
    assert "original_clear" not in store.testimonies()[0]
    assert (tid, iid, place) == ("T-1", "I-1", "PL-1")
    assert store.witness_of_token("enc:v1:00000000:AAAA") == "W-23456"
    assert store.witness_ids() == {"W-23456"}
    assert [(p["start"], p["end"], p["level"]) for p in store.passages(tid)] == [
        (0, 2, "restricted")]  # fmt: skip
    assert store.place_of_key("tikhaya zavod") == place
    assert store.places()[0]["aliases"] == ["Tikhaya Zavod"]
    assert store.incident(iid)["place"] == "Тихая Заводь"  # type: ignore[index]
    assert [(x["testimony_id"], x["start"], x["end"], x["independence_group"])
            for x in store.support(iid)] == [("T-1", 0, 2, "gazette")]  # fmt: skip
    assert store.incidents_of_testimony(tid) == ["I-1"]
    with store.transaction():
        store.seal_testimony_original(tid, "enc:v1:00000000:BBBB")
    assert store.testimony_original(tid) == (None, "enc:v1:00000000:BBBB")


def test_suggestions_stay_open_until_a_decision(store: Store) -> None:
    import datetime as dt

    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    rows = [
        {"kind": "place", "start": 10, "end": 17, "quote": "Зайцево", "value": "Зайцево",
         "detail": "after «в»", "sealed": False},
        {"kind": "person", "start": 0, "end": 5, "quote": "enc:v1:00000000:CCCC",
         "value": "enc:v1:00000000:DDDD", "detail": "name", "sealed": True},
    ]  # fmt: skip
    with store.transaction():
        assert store.add_suggestions("T-1", rows, now) == ["S-1", "S-2"]
    # in the order of the text
    assert [(s["id"], s["start"], s["status"]) for s in store.suggestions("T-1")] == [
        ("S-2", 0, "open"), ("S-1", 10, "open")]  # fmt: skip
    with store.transaction():
        store.decide_suggestion("S-1", "corrected", "Зайцево-2", "PL-1", now)
        store.decide_suggestion("S-1", "rejected", None, None, now)  # decided once only
    (one,) = store.suggestions(suggestion_id="S-1")
    assert (one["status"], one["decided_value"], one["result"], one["sealed"]) == (
        "corrected", "Зайцево-2", "PL-1", False)  # fmt: skip
    assert store.suggestions("T-9") == []
