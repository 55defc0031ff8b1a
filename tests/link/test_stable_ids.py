"""Person ids stay stable while clusters grow; merges and splits are recorded."""

from __future__ import annotations

from collections.abc import Iterator

from unaccounted.link.stable_ids import assign_ids, format_person_id


def counter(start: int) -> Iterator[int]:
    n = start
    while True:
        yield n
        n += 1


def run(keys: list[str], labels: list[int], previous: dict[str, str], event: int = 9) -> object:
    numbers = counter(100)
    return assign_ids(
        keys,
        labels,
        dict(previous),
        {p: 1 for p in previous.values()},
        lambda n: [format_person_id(next(numbers)) for _ in range(n)],
        event,
    )


def test_a_growing_cluster_keeps_its_id_and_new_records_get_new_ids() -> None:
    prev = {"a": "P-000001", "b": "P-000001", "c": "P-000002"}
    out = run(["a", "b", "c", "d", "e"], [0, 0, 2, 0, 4], prev)
    assert out.person_ids == ["P-000001", "P-000001", "P-000002", "P-000001", "P-000100"]  # type: ignore[attr-defined]
    assert out.history == []  # type: ignore[attr-defined]
    # kept ids keep their creation event; the new one is created by this run
    assert out.created == {"P-000001": 1, "P-000002": 1, "P-000100": 9}  # type: ignore[attr-defined]


def test_a_merge_keeps_the_larger_id_and_records_the_other() -> None:
    prev = {"a": "P-000001", "b": "P-000001", "c": "P-000002"}
    out = run(["a", "b", "c"], [0, 0, 0], prev)
    assert out.person_ids == ["P-000001"] * 3  # type: ignore[attr-defined]
    assert out.history == [
        {  # type: ignore[attr-defined]
            "kind": "merge",
            "old": "P-000002",
            "new": "P-000001",
            "records": 1,
            "reason": "its records were clustered with P-000001's in link run 9",
        }
    ]


def test_a_split_keeps_the_id_on_the_larger_part_and_records_the_rest() -> None:
    prev = {"a": "P-000001", "b": "P-000001", "c": "P-000001"}
    out = run(["a", "b", "c"], [0, 0, 2], prev)
    assert out.person_ids == ["P-000001", "P-000001", "P-000100"]  # type: ignore[attr-defined]
    assert out.history == [
        {  # type: ignore[attr-defined]
            "kind": "split",
            "old": "P-000001",
            "new": "P-000100",
            "records": 1,
            "reason": "1 of its records were clustered apart from the rest in link run 9",
        }
    ]


def test_equal_parts_keep_the_older_id() -> None:
    out = assign_ids(
        ["a", "b"],
        [0, 0],
        {"a": "P-000005", "b": "P-000003"},
        {"P-000005": 2, "P-000003": 4},
        lambda n: [],
        9,
    )
    # one record each: the id created first (event 2) survives
    assert out.person_ids == ["P-000005", "P-000005"]


def test_a_merge_and_a_split_in_one_run_are_both_recorded_in_order() -> None:
    prev = {"a": "P-000001", "b": "P-000001", "c": "P-000002",
            "d": "P-000003", "e": "P-000003", "f": "P-000003"}  # fmt: skip
    out = run(["a", "b", "c", "d", "e", "f"], [0, 0, 0, 0, 4, 4], prev)
    assert out.person_ids == ["P-000001"] * 4 + ["P-000003"] * 2  # type: ignore[attr-defined]
    assert [(h["kind"], h["old"], h["new"], h["records"]) for h in out.history] == [  # type: ignore[attr-defined]
        ("merge", "P-000002", "P-000001", 1),
        ("split", "P-000003", "P-000001", 1),
    ]
    assert (out.kept, out.new) == (2, 0)  # type: ignore[attr-defined]
