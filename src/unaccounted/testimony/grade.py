"""An incident's corroboration, graded with the workspace's grading rules file.

The rules are the same file and the same independence groups as a death's
(``resolve/grading_rules.yaml``); an incident is read into them this way:

- each testimony that supports the incident counts once (however many of its passages are
  linked), with its kind mapped to a source kind (``text.SOURCE_KIND``: interviews,
  written statements and form submissions are ``testimony``, media reports ``news``,
  court documents ``court``) and its independence group;
- testimonies whose originals are byte for byte the same (the same SHA-256) are copies of
  one account: they share the group of the earliest taken in;
- a rule's ``fate`` holds when the incident is supported and the rule names an outcome
  (``dead``, ``missing`` or ``captured``), or when it is not supported and the rule names
  ``none``; ``alive`` never holds;
- a rule with a ``conflict`` condition never holds (incidents are not checked for
  contradicting accounts);
- ``kinds``, ``min_groups`` and ``min_kinds`` read as for deaths.

With the shipped rules: a court document alone is *confirmed* (``official-document``);
testimonies from two independent groups are *confirmed* (``independent-groups``); one
group, however many copies, is *unverified* (``single-source``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from unaccounted.resolve.rules import Condition, GradingRules
from unaccounted.testimony.text import SOURCE_KIND

_OUTCOMES = {"dead", "missing", "captured"}


@dataclass(frozen=True)
class Support:
    testimony: str
    kind: str
    group: str


@dataclass(frozen=True)
class IncidentGrade:
    grade: str
    rule: str
    description: str
    testimonies: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def explain(self) -> str:
        groups = ", ".join(self.groups) or "none"
        return f"{self.grade} by rule '{self.rule}' ({self.description}); groups: {groups}"


def supports(rows: Iterable[Mapping[str, Any]]) -> list[Support]:
    """One support per testimony, copies (same SHA-256) in the earliest one's group.
    ``rows`` are the incident's links, earliest testimony first."""
    group_of_hash: dict[str, str] = {}
    out: dict[str, Support] = {}
    for row in rows:
        tid = str(row["testimony_id"])
        if tid in out:
            continue
        group = group_of_hash.setdefault(str(row["sha256"]), str(row["independence_group"]))
        out[tid] = Support(tid, SOURCE_KIND.get(str(row["kind"]), "other"), group)
    return list(out.values())


def _holds(when: Condition, support: list[Support]) -> bool:
    if when.conflict is not None:
        return False
    if when.fate is not None:
        if support and not _OUTCOMES & set(when.fate):
            return False
        if not support and "none" not in when.fate:
            return False
    counted = [s for s in support if when.kinds is None or s.kind in when.kinds]
    if when.min_groups is not None and len({s.group for s in counted}) < when.min_groups:
        return False
    return not (when.min_kinds is not None and len({s.kind for s in counted}) < when.min_kinds)


def grade_incident(support: list[Support], rules: GradingRules) -> IncidentGrade:
    """The grade of the first rule that holds, with the testimonies and groups behind it."""
    for rule in rules.rules:
        if _holds(rule.when, support):
            behind = [s for s in support if rule.when.kinds is None or s.kind in rule.when.kinds]
            return IncidentGrade(
                rule.grade,
                rule.id,
                rule.description,
                sorted(s.testimony for s in behind),
                sorted({s.group for s in behind}),
            )
    return IncidentGrade("unverified", "(no rule held)", "no rule of the rules file held")
