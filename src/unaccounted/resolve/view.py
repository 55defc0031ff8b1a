"""The person view: best values with their rules, the grade, the status history, every
claim with its source, and the conflicts between claims kept visible.

:func:`view_of` computes a view from a person's claims; nothing here reads the store
(:mod:`unaccounted.resolve.stored` keeps the views in it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unaccounted.resolve.best import BestValue, best_values
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.grade import Assessment, GradeResult, assess, grade
from unaccounted.resolve.history import History, build_history
from unaccounted.resolve.rules import GradingRules

#: Raw values shown with each claim.
CLAIM_FIELDS = (
    "full_name",
    "raw_birth_date",
    "raw_age",
    "raw_status",
    "raw_event_date",
    "event_place",
    "raw_unit",
    "rank",
    "category",
    "raw_region",
    "hometown",
    "raw_published",
)


@dataclass(frozen=True)
class PersonView:
    person_id: str
    claims: tuple[Claim, ...]
    best: dict[str, BestValue]
    assessment: Assessment
    grade: GradeResult
    history: History

    @property
    def name(self) -> str:
        parts = [
            self.best[f].shown for f in ("surname", "given_name", "patronymic") if f in self.best
        ]
        return " ".join(str(p) for p in parts) or (self.claims[0].value("full_name") or "?")

    def best_value(self, name: str) -> str | None:
        """The best value of a field as text (its ``value``), or None."""
        b = self.best.get(name)
        return str(b.value) if b is not None else None

    @property
    def unit_keys(self) -> list[str]:
        """Every unit key its records name (``unit_key``, else the class key)."""
        keys = {c.value("unit_key") or c.value("unit_class_key") for c in self.claims}
        return sorted(k for k in keys if k)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "grade": {
                "grade": self.grade.grade,
                "rule": self.grade.rule,
                "description": self.grade.description,
                "outcome": self.grade.fate,
                "sources": self.grade.sources,
                "independence_groups": self.grade.groups,
            },
            "status": self.history.current,
            "best": {
                name: {
                    "value": b.value,
                    "shown": b.shown,
                    "rule": b.rule,
                    "sources": b.sources,
                    "conflict": b.conflict,
                    "values": b.values,
                }
                for name, b in self.best.items()
            },
            "conflicts": [
                {"kind": x.kind, "detail": x.detail, "claims": [c.label for c in x.claims]}
                for x in self.assessment.conflicts
            ],
            "history": [e.as_dict() for e in self.history.entries],
            "claims": [
                {
                    **c.provenance(),
                    "status": c.status,
                    **{k: c.value(k) for k in CLAIM_FIELDS if c.value(k) is not None},
                }
                for c in self.claims
            ],
        }


def view_of(person_id: str, claims: list[Claim], rules: GradingRules) -> PersonView:
    """The view of a person from its claims: the current ones make its values, grade and
    claims; every version, superseded ones included, makes its status history."""
    current = [c for c in claims if not c.superseded]
    a = assess(current, rules)
    return PersonView(
        person_id=person_id,
        claims=tuple(current),
        best=best_values(current, rules),
        assessment=a,
        grade=grade(current, rules, a),
        history=build_history(claims, rules),
    )
