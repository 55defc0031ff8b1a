"""The review service's own rules: leases, and agreement of fields as the linkage saw it."""

from __future__ import annotations

from unaccounted.service.review import Leases, _judged, _state


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_leased_pair_is_not_handed_to_another_reviewer_until_it_expires() -> None:
    clock = Clock()
    leases = Leases(seconds=60, clock=clock)
    pair = ("a:1", "b:2")
    assert leases.take(pair, "ann")
    assert not leases.take(pair, "bob")
    assert leases.take(pair, "ann")  # one's own lease is renewed
    clock.now = 61
    assert leases.take(pair, "bob")  # an expired lease is free


def test_a_reviewer_holds_one_pair_at_a_time_and_releases_it() -> None:
    leases = Leases(seconds=60, clock=Clock())
    assert leases.take(("a:1", "b:2"), "ann")
    assert leases.take(("c:3", "d:4"), "ann")  # taking a second pair frees the first
    assert leases.take(("a:1", "b:2"), "bob")
    leases.release("bob")
    assert leases.take(("a:1", "b:2"), "cy")


def test_fields_agree_as_the_linkage_weighed_them() -> None:
    evidence = [
        {"comparison": "birth_date", "weight": 3.9},  # 24.08.2000 fits 2000
        {"comparison": "surname", "weight": 7.0},
        {"comparison": "given_name", "weight": -2.9},  # a name part disagrees: the name does
        {"comparison": "unit", "weight": 0.0},  # not comparable: no say
    ]
    judged = _judged(evidence)
    assert judged == {
        "birth_date": "same",
        "age": "same",
        "full_name": "differ",
        "surname": "same",
        "given_name": "differ",
    }
    assert _state("24.08.2000", "2000", judged.get("birth_date")) == "same"
    assert _state("в/ч 95420", "16 ОМСБр", judged.get("unit")) == "differ"
    assert _state("Погиб", "погиб ", None) == "same"  # the same words as written
    assert _state("погиб", None, None) == "one"
