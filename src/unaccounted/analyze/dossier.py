"""Unit and region dossiers: counts by status, grade, category and month, the people, the
sources, and (for a unit) its aliases with the support that joined them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from unaccounted.analyze.run import Analysis
from unaccounted.errors import InputError
from unaccounted.resolve.person import PersonView


def _summary(people: list[PersonView]) -> dict[str, Any]:
    def count(values: list[str | None]) -> dict[str, int]:
        return dict(sorted(Counter(x or "(unknown)" for x in values).items()))

    sources: Counter[str] = Counter(c.source for v in people for c in v.claims)
    return {
        "persons": len(people),
        "by_status": count([v.history.current for v in people]),
        "by_grade": count([v.grade.grade for v in people]),
        "by_category": count([v.best_value("category") for v in people]),
        "by_month": count([(v.best_value("event_date") or "")[:7] or None for v in people]),
        "sources": dict(sources.most_common()),
        "people": [
            {
                "person_id": v.person_id,
                "name": v.name,
                "status": v.history.current,
                "grade": v.grade.grade,
                "event_date": v.best_value("event_date"),
            }
            for v in people
        ],
    }


def unit_dossier(
    analysis: Analysis, key: str, people: list[PersonView] | None = None
) -> dict[str, Any]:
    """``people``: the unit's persons in view order, when the caller has them already."""
    unit = analysis.units.find(key)
    if unit is None:
        raise InputError(
            f"no unit {key!r} in this workspace (try a key like 'omsbr:102' "
            "or a spelling; 'unaccounted unit-aliases' lists them)"
        )
    group = analysis.units.groups[unit]
    if people is None:
        members = set(analysis.units.members(unit))
        people = [v for v in analysis.views if v.person_id in members]
    candidates = [
        {"a": x.a, "b": x.b, "persons": x.support, "share": round(x.share, 3)}
        for x in analysis.units.candidate_links
        if not x.accepted and (x.a in group.keys or x.b in group.keys)
    ]
    return {**group.as_dict(), "candidate_aliases": candidates, **_summary(people)}


def region_dossier(
    analysis: Analysis, code: str, people: list[PersonView] | None = None
) -> dict[str, Any]:
    """``people``: the region's persons in view order, as :func:`by_region` gives them,
    when the caller has them already."""
    wanted = code.strip().upper()
    if people is None:
        people = by_region(analysis.views).get(wanted, [])
    if not people:
        raise InputError(
            f"no person from region {code!r} in this workspace "
            "(regions are ISO 3166-2 codes such as RU-KRS)"
        )
    units = Counter(analysis.units.person_unit.get(v.person_id) or "(no unit)" for v in people)
    return {"region": wanted, "units": dict(units.most_common()), **_summary(people)}


def by_region(views: list[PersonView]) -> dict[str, list[PersonView]]:
    """Persons by their best region code (upper case), in view order."""
    found: dict[str, list[PersonView]] = {}
    for v in views:
        # the region of a stored view is read without decoding its best values
        found.setdefault((v.best_value("region") or "").upper(), []).append(v)
    return found
