"""Unit aliases inferred from linked persons, and the unit each person served in.

When one person's records name «в/ч 52548» in one source and «102 ОМСБр» in another, the
two spellings probably denote one unit. Unit keys (from normalize) co-occurring in enough
persons are joined into alias groups: strong keys (``omsbr:102``, ``vch:52548``) are
joined when at least ``min_support`` persons name both and they make at least
``min_share`` of the persons of the rarer key that name another key; class-only keys
(``brigade:102`` from «102-я бригада», ambiguous between brigade types) are attached to the
one group they co-occur with most, never used to join groups. Confirmed aliases (a user's
``[[key, key], …]``) are joined whatever their support.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from unaccounted.resolve.person import PersonView
from unaccounted.resolve.rules import GradingRules


@dataclass(frozen=True)
class AliasLink:
    a: str
    b: str
    support: int
    share: float
    accepted: bool


@dataclass
class UnitGroup:
    key: str
    keys: list[str]
    spellings: list[str]
    links: list[AliasLink] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.key,
            "keys": self.keys,
            "aliases": self.spellings,
            "alias_support": [
                {"a": x.a, "b": x.b, "persons": x.support, "share": round(x.share, 3)}
                for x in self.links
            ],
        }


@dataclass
class UnitIndex:
    groups: dict[str, UnitGroup]
    group_of_key: dict[str, str]
    person_unit: dict[str, str]
    candidate_links: list[AliasLink]

    def members(self, unit: str) -> list[str]:
        return sorted(p for p, u in self.person_unit.items() if u == unit)

    def find(self, text: str) -> str | None:
        """The group a key or spelling names (case-insensitive), or None."""
        t = text.strip().lower()
        if text in self.groups:
            return text
        if text in self.group_of_key:
            return self.group_of_key[text]
        for g in self.groups.values():
            if t in (s.lower() for s in g.spellings) or t in g.keys:
                return g.key
        return None


def _is_strong(key: str) -> bool:
    return key.split(":", 1)[0] not in {
        "brigade",
        "regiment",
        "division",
        "battalion",
        "detachment",
        "company",
        "army",
        "corps",
    }


def _root(parent: dict[str, str], k: str) -> str:
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


def infer_units(
    persons: Iterable[PersonView],
    rules: GradingRules,
    *,
    min_support: int = 2,
    min_share: float = 0.5,
    confirmed: Iterable[tuple[str, str]] = (),
) -> UnitIndex:
    views = list(persons)
    person_keys = {v.person_id: v.unit_keys for v in views}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for v in views:
        for c in v.claims:
            k = c.value("unit_key") or c.value("unit_class_key")
            if k and c.value("raw_unit"):
                spellings[k][str(c.value("raw_unit"))] += 1
    with_other: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for keys in person_keys.values():
        if len(keys) > 1:
            with_other.update(keys)
            pairs.update(combinations(sorted(keys), 2))
    parent = {k: k for keys in person_keys.values() for k in keys}
    links: list[AliasLink] = []
    for (a, b), n in pairs.items():
        share = n / min(with_other[a], with_other[b])
        ok = _is_strong(a) and _is_strong(b) and n >= min_support and share >= min_share
        links.append(AliasLink(a, b, n, share, ok))
        if ok:
            parent[_root(parent, a)] = _root(parent, b)
    for a, b in confirmed:
        for k in (a, b):
            parent.setdefault(k, k)
        parent[_root(parent, a)] = _root(parent, b)
    # A class-only key joins the group it co-occurs with most (if well supported).
    weak_target: dict[str, str] = {}
    for k in [k for k in parent if not _is_strong(k)]:
        votes: Counter[str] = Counter()
        for x in links:
            if k in (x.a, x.b):
                other = x.b if x.a == k else x.a
                if _is_strong(other):
                    votes[_root(parent, other)] += x.support
        if votes:
            target, n = votes.most_common(1)[0]
            if n >= min_support and n / max(with_other[k], 1) >= min_share:
                weak_target[k] = target
    members: dict[str, list[str]] = defaultdict(list)
    for k in parent:
        members[weak_target.get(k) or _root(parent, k)].append(k)
    groups: dict[str, UnitGroup] = {}
    group_of_key: dict[str, str] = {}
    for keys in members.values():
        total = Counter({k: sum(spellings[k].values()) for k in keys})
        named = [k for k in keys if _is_strong(k) and not k.startswith("vch:")]
        key = max(named or keys, key=lambda k: (total[k], k))
        spelled = Counter[str]()
        for k in keys:
            spelled.update(spellings[k])
        group = UnitGroup(
            key=key,
            keys=sorted(keys),
            spellings=[s for s, _ in spelled.most_common()],
            links=[x for x in links if x.accepted and x.a in keys and x.b in keys],
        )
        groups[key] = group
        for k in keys:
            group_of_key[k] = key
    person_unit: dict[str, str] = {}
    for v in views:
        votes = Counter[str]()
        rank: dict[str, int] = {}
        for c in v.claims:
            k = c.value("unit_key") or c.value("unit_class_key")
            if k:
                g = group_of_key[k]
                votes[g] += 1
                rank[g] = min(rank.get(g, 99), rules.kind_rank(c.kind))
        if votes:
            person_unit[v.person_id] = min(votes, key=lambda g: (-votes[g], rank[g], g))
    return UnitIndex(groups, group_of_key, person_unit, links)
