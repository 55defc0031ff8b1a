"""Grades, best values and histories of small literal clusters, with the exact rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from unaccounted.errors import InputError
from unaccounted.resolve import default_rules, load_rules, view_of
from unaccounted.resolve.claims import Claim

RULES = default_rules()
D = dt.date.fromisoformat
GROUP = {
    "official": "state",
    "court": "courts",
    "obituary": "media",
    "social": "social",
    "grave": "graves",
    "memorial_list": "memorial",
}


def claim(source: str, kind: str, status: str | None, **kw: Any) -> Claim:
    """One claim; ``group`` defaults to one independence group per kind."""
    group = kw.pop("group", GROUP.get(kind, kind))
    dates = {
        k: D(v) if isinstance(v, str) else v
        for k, v in kw.items()
        if k in ("published", "event_lo", "event_hi", "birth_lo", "birth_hi")
    }
    dates |= {k: kw[k] for k in ("birth_edtf", "event_edtf") if k in kw}
    values = {k: v for k, v in kw.items() if k not in dates}
    return Claim(
        person_id="P1",
        source=source,
        record_id=f"{source}-1",
        kind=kind,
        group=group,
        status=status,
        values=values,
        **dates,
    )


def test_an_official_notice_confirms_a_death() -> None:
    v = view_of("P1", [claim("mod", "official", "killed", published="2024-01-10")], RULES)
    assert (v.grade.grade, v.grade.rule, v.grade.groups) == (
        "confirmed",
        "official-document",
        ["state"],
    )


def test_copies_in_one_independence_group_count_once() -> None:
    # Two social sources, one copying the other (one group): still one source.
    copies = [
        claim("vk", "social", "killed", group="social"),
        claim("tg", "social", "killed", group="social"),
    ]
    v = view_of("P1", copies, RULES)
    assert (v.grade.grade, v.grade.rule) == ("unverified", "single-source")
    # The same two in independent groups corroborate each other.
    apart = [
        claim("vk", "social", "killed", group="vk"),
        claim("tg", "social", "killed", group="tg"),
    ]
    v = view_of("P1", apart, RULES)
    assert (v.grade.grade, v.grade.rule, v.grade.groups) == (
        "confirmed",
        "independent-groups",
        ["tg", "vk"],
    )


def test_one_obituary_is_probable_and_one_post_unverified() -> None:
    assert view_of("P1", [claim("ob", "obituary", "killed")], RULES).grade.grade == "probable"
    assert view_of("P1", [claim("vk", "social", "killed")], RULES).grade.rule == "single-source"


def test_alive_after_a_death_is_contested_and_both_claims_stay_visible() -> None:
    v = view_of(
        "P1",
        [
            claim(
                "ob",
                "obituary",
                "killed",
                event_lo="2023-05-01",
                event_hi="2023-05-01",
                published="2023-05-10",
            ),
            claim("vk", "social", "alive", published="2023-09-01"),
        ],
        RULES,
    )
    assert (v.grade.grade, v.grade.rule) == ("contested", "status-conflict")
    assert v.grade.sources == ["ob", "vk"]
    (conflict,) = v.as_dict()["conflicts"]
    assert conflict["detail"] == "dead by 2023-05-01, but alive per vk"
    assert [e["status"] for e in v.as_dict()["history"]] == ["killed", "alive"]


def test_returned_from_captivity_before_being_killed_is_no_conflict() -> None:
    v = view_of(
        "P1",
        [
            claim("vk", "social", "returned", event_lo="2023-01-01"),
            claim("mod", "official", "killed", event_lo="2023-06-01", event_hi="2023-06-01"),
        ],
        RULES,
    )
    assert (v.grade.grade, v.grade.rule) == ("confirmed", "official-document")


def test_incompatible_birth_dates_are_contested() -> None:
    v = view_of(
        "P1",
        [
            claim(
                "mod",
                "official",
                "killed",
                birth_lo="1990-03-12",
                birth_hi="1990-03-12",
                birth_edtf="1990-03-12",
            ),
            claim(
                "ob",
                "obituary",
                "killed",
                birth_lo="1985-01-01",
                birth_hi="1985-12-31",
                birth_edtf="1985",
            ),
        ],
        RULES,
    )
    assert (v.grade.grade, v.grade.rule) == ("contested", "birth-conflict")
    assert v.best["birth_date"].conflict is True
    assert [x["value"] for x in v.best["birth_date"].values] == ["1985", "1990-03-12"]


def test_only_claims_of_life_are_rejected() -> None:
    v = view_of("P1", [claim("vk", "social", "returned")], RULES)
    assert (v.grade.grade, v.grade.rule) == ("rejected", "not-a-casualty")


def test_an_official_day_beats_an_age_derived_year() -> None:
    v = view_of(
        "P1",
        [
            claim(
                "ob",
                "obituary",
                "killed",
                birth_lo="1989-08-15",
                birth_hi="1990-08-14",
                birth_edtf="1989-08-15/1990-08-14",
            ),
            claim(
                "mod",
                "official",
                "killed",
                birth_lo="1990-03-12",
                birth_hi="1990-03-12",
                birth_edtf="1990-03-12",
            ),
        ],
        RULES,
    )
    b = v.best["birth_date"]
    assert (b.value, b.rule, b.conflict) == (
        "1990-03-12",
        "narrowest date (day) from official source",
        False,
    )


def test_unit_by_most_groups_keeps_the_minority_value() -> None:
    v = view_of(
        "P1",
        [
            claim("mod", "official", "killed", unit_key="omsbr:102", raw_unit="102 ОМСБр"),
            claim("ob", "obituary", "killed", unit_key="omsbr:102", raw_unit="102-я бригада"),
            claim("vk", "social", "killed", unit_key="msp:7", raw_unit="7 МСП"),
        ],
        RULES,
    )
    u = v.best["unit"]
    assert (u.value, u.rule, u.conflict) == (
        "omsbr:102",
        "stated by most independence groups (2)",
        True,
    )
    assert u.values[1] == {"value": "msp:7", "shown": ["7 МСП"], "sources": ["vk"]}


def test_status_history_missing_then_killed_then_declared_dead() -> None:
    # Missing on 29.12.2023 per an official notice (published 10.01.2024), killed per an
    # obituary published in March 2024, declared dead by a court in 2025.
    v = view_of(
        "P1",
        [
            claim("court", "court", "declared_dead", published="2025-02-03"),
            claim(
                "ob",
                "obituary",
                "killed",
                published="2024-03-15",
                event_lo="2023-12-29",
                event_hi="2023-12-29",
            ),
            claim(
                "mod",
                "official",
                "missing",
                published="2024-01-10",
                event_lo="2023-12-29",
                event_hi="2023-12-29",
            ),
        ],
        RULES,
    )
    h = v.history
    assert [(e.date, e.status, e.claim.source) for e in h.entries] == [
        (D("2024-01-10"), "missing", "mod"),
        (D("2024-03-15"), "killed", "ob"),
        (D("2025-02-03"), "declared_dead", "court"),
    ]
    assert [(t.before, t.after) for t in h.transitions()] == [
        ("missing", "killed"),
        ("killed", "declared_dead"),
    ]
    assert h.current == "declared_dead"
    # Missing from the event date to the obituary's publication: 77 days.
    assert h.missing_to_dead() == (D("2023-12-29"), D("2024-03-15"))
    assert (v.grade.grade, v.grade.rule) == ("confirmed", "official-document")
    assert v.grade.sources == ["court"]  # the rule counts official and court claims only


def test_a_bad_rules_file_is_one_line_naming_the_key(tmp_path: Path) -> None:
    text = Path(__file__).parents[2].joinpath("src/unaccounted/resolve/grading_rules.yaml")
    bad = tmp_path / "rules.yaml"
    bad.write_text(text.read_text("utf-8").replace("grade: probable", "grade: likely"), "utf-8")
    with pytest.raises(InputError, match=r"key 'rules\.5\.grade'"):
        load_rules(bad)
    bad.write_text(
        "rules: [{id: x, grade: confirmed, when: {kinds: [blog]}}]\n"
        "status_classes: {dead: [killed]}\n",
        "utf-8",
    )
    with pytest.raises(InputError, match=r"key 'rules\.0\.when'.*unknown source kinds \['blog'\]"):
        load_rules(bad)
