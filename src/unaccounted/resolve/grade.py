"""Corroboration grades: internal consistency first, then independent support.

:func:`assess` finds a person's outcome (fate), the claims that support it and the
conflicts between claims; :func:`grade` applies the first matching rule of the rules file.
Sources in one independence group copy each other and count once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from unaccounted.resolve.claims import Claim
from unaccounted.resolve.rules import Condition, GradingRules


@dataclass(frozen=True)
class Conflict:
    """Claims that cannot all be true: ``kind`` is ``status`` or ``birth_date``."""

    kind: str
    detail: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Assessment:
    fate: str
    support: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...] = ()

    @property
    def groups(self) -> list[str]:
        return sorted({c.group for c in self.support})

    @property
    def kinds(self) -> list[str]:
        return sorted({c.kind for c in self.support})


@dataclass(frozen=True)
class GradeResult:
    grade: str
    rule: str
    description: str
    fate: str
    sources: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def explain(self) -> str:
        groups = ", ".join(self.groups) or "none"
        return (
            f"{self.grade} by rule '{self.rule}' ({self.description}); outcome {self.fate}, "
            f"independence groups: {groups}"
        )


def _fate(claims: list[Claim], rules: GradingRules) -> str:
    classes = [(c, rules.status_class(c.status)) for c in claims]
    if any(cls == "dead" for _, cls in classes):
        return "dead"
    stated = [(c.date or dt.date.min, c.record_id, cls) for c, cls in classes if cls]
    return max(stated)[2] if stated else "none"


def _status_conflict(claims: list[Claim], rules: GradingRules) -> Conflict | None:
    """A claim of life dated after (or not orderable against) the earliest stated death."""
    dead = [c for c in claims if rules.status_class(c.status) == "dead"]
    alive = [c for c in claims if rules.status_class(c.status) == "alive"]
    if not dead or not alive:
        return None
    death_dates = [c.event_hi or c.published for c in dead]
    known = [d for d in death_dates if d is not None]
    death = min(known) if known else None
    against = [
        c
        for c in alive
        if death is None
        or (c.event_lo or c.published) is None
        or (c.event_lo or c.published or dt.date.min) > death
    ]
    if not against:
        return None
    shown = ", ".join(f"{c.status} per {c.source}" for c in against)
    when = death.isoformat() if death else "an unknown date"
    return Conflict("status", f"dead by {when}, but {shown}", tuple(dead + against))


def _birth_conflict(claims: list[Claim], rules: GradingRules) -> Conflict | None:
    """Two claims whose birth intervals (widened by the tolerance) do not overlap."""
    slack = dt.timedelta(days=rules.birth_tolerance_days)
    dated = [c for c in claims if c.birth_lo is not None and c.birth_hi is not None]
    for i, a in enumerate(dated):
        for b in dated[i + 1 :]:
            assert a.birth_lo and a.birth_hi and b.birth_lo and b.birth_hi
            if a.birth_hi + slack < b.birth_lo or b.birth_hi + slack < a.birth_lo:
                detail = f"born {a.birth_edtf} per {a.source}, {b.birth_edtf} per {b.source}"
                return Conflict("birth_date", detail, (a, b))
    return None


def assess(claims: list[Claim], rules: GradingRules) -> Assessment:
    fate = _fate(claims, rules)
    support = tuple(c for c in claims if rules.status_class(c.status) == fate)
    conflicts = [x for x in (_status_conflict(claims, rules), _birth_conflict(claims, rules)) if x]
    return Assessment(fate, support, tuple(conflicts))


def _holds(when: Condition, a: Assessment) -> bool:
    if when.conflict is not None:
        kinds = {c.kind for c in a.conflicts}
        if (when.conflict == "any" and not kinds) or (
            when.conflict != "any" and when.conflict not in kinds
        ):
            return False
    if when.fate is not None and a.fate not in when.fate:
        return False
    support = [c for c in a.support if when.kinds is None or c.kind in when.kinds]
    if when.min_groups is not None and len({c.group for c in support}) < when.min_groups:
        return False
    return not (when.min_kinds is not None and len({c.kind for c in support}) < when.min_kinds)


def grade(claims: list[Claim], rules: GradingRules, a: Assessment | None = None) -> GradeResult:
    """The grade of the first rule that holds, with the sources and groups behind it."""
    a = a or assess(claims, rules)
    for rule in rules.rules:
        if _holds(rule.when, a):
            behind: list[Claim] = (
                [c for x in a.conflicts for c in x.claims]
                if rule.when.conflict is not None
                else [c for c in a.support if rule.when.kinds is None or c.kind in rule.when.kinds]
            )
            return GradeResult(
                grade=rule.grade,
                rule=rule.id,
                description=rule.description,
                fate=a.fate,
                sources=sorted({c.source for c in behind}),
                groups=sorted({c.group for c in behind}),
            )
    return GradeResult("unverified", "(no rule held)", "no rule of the rules file held", a.fate)
