"""Hierarchical log-linear models over k lists.

A term is a bit mask of lists (``0b011`` is the interaction of lists 0 and 1). A model is
the set of its interaction terms (two or more lists); the intercept and every main effect
are always in. Hierarchical means closed under subsets: ``A:B:C`` implies ``A:B``, ``A:C``
and ``B:C``. A model is written by its generators (maximal terms), e.g. ``A:B + C``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from unaccounted.errors import InputError


def popcount(x: int) -> int:
    """The number of lists in a term."""
    return x.bit_count()


def subterms(term: int) -> Iterator[int]:
    """Every non-empty proper subset of a term."""
    sub = (term - 1) & term
    while sub:
        yield sub
        sub = (sub - 1) & term


@dataclass(frozen=True, order=True)
class Model:
    """A hierarchical log-linear model: its interaction terms, main effects implied."""

    k: int
    terms: frozenset[int]

    @classmethod
    def independence(cls, k: int) -> Model:
        """Main effects only: the lists are independent."""
        return cls(k, frozenset())

    @classmethod
    def from_generators(cls, k: int, generators: Sequence[int]) -> Model:
        """The smallest hierarchical model containing these terms."""
        terms: set[int] = set()
        for g in generators:
            if popcount(g) >= 2:
                terms.add(g)
                terms.update(s for s in subterms(g) if popcount(s) >= 2)
        return cls(k, frozenset(terms))

    @property
    def parameters(self) -> list[int]:
        """Intercept (0), main effects, then interaction terms, in a fixed order."""
        return [
            0,
            *(1 << j for j in range(self.k)),
            *sorted(self.terms, key=lambda t: (popcount(t), t)),
        ]

    @property
    def order(self) -> int:
        """The highest interaction order (1 for main effects only)."""
        return max((popcount(t) for t in self.terms), default=1)

    def generators(self) -> list[int]:
        """The maximal terms, main effects included when no interaction covers them."""
        all_terms = set(self.terms) | {1 << j for j in range(self.k)}
        return sorted(
            (t for t in all_terms if not any(u != t and (u & t) == t for u in all_terms)),
            key=lambda t: (-popcount(t), t),
        )

    def name(self, lists: Sequence[str]) -> str:
        """Generators joined by ``+``, interactions by ``:`` (``A:B + C``)."""
        return " + ".join(
            ":".join(lists[j] for j in range(self.k) if g >> j & 1) for g in self.generators()
        )

    def with_term(self, term: int) -> Model:
        return Model(self.k, self.terms | {term})

    def without_term(self, term: int) -> Model:
        return Model(self.k, self.terms - {term})

    def addable(self, max_order: int) -> list[int]:
        """Terms not in the model whose every sub-term is, of order at most ``max_order``."""
        present = set(self.terms) | {1 << j for j in range(self.k)}
        out = []
        for t in range(3, 1 << self.k):
            if t in present or not 2 <= popcount(t) <= max_order:
                continue
            if all((t & ~(1 << j)) in present for j in range(self.k) if t >> j & 1):
                out.append(t)
        return out

    def removable(self) -> list[int]:
        """Interaction generators: the terms that can be dropped keeping the model hierarchical."""
        return [g for g in self.generators() if popcount(g) >= 2]

    def neighbours(self, max_order: int) -> list[Model]:
        """Models one term away (drop a generator, or add a term), as in the downhill search."""
        return [self.without_term(t) for t in self.removable()] + [
            self.with_term(t) for t in self.addable(max_order)
        ]


def all_models(k: int, max_order: int, limit: int = 20000) -> list[Model]:
    """Every hierarchical model on k lists with interactions up to ``max_order``.

    Raises ``InputError`` when there would be more than ``limit`` of them.
    """
    candidates = [t for t in range(3, 1 << k) if 2 <= popcount(t) <= max_order]
    candidates.sort(key=lambda t: (popcount(t), t))
    found: list[Model] = []

    def grow(model: Model, start: int) -> None:
        found.append(model)
        if len(found) > limit:
            raise InputError(
                f"more than {limit} models on {k} lists up to order {max_order}; "
                "lower --max-order or use the downhill search"
            )
        for i in range(start, len(candidates)):
            t = candidates[i]
            if all(s in model.terms for s in subterms(t) if popcount(s) >= 2):
                grow(model.with_term(t), i + 1)

    grow(Model.independence(k), 0)
    return found


def parse_model(text: str, lists: Sequence[str]) -> Model:
    """Read ``A:B + C`` (or ``A*B, C``) into a model over these lists."""
    index = {name.lower(): j for j, name in enumerate(lists)}
    gens: list[int] = []
    for part in text.replace(",", "+").split("+"):
        part = part.strip()
        if not part:
            continue
        term = 0
        for name in part.replace("*", ":").split(":"):
            key = name.strip().lower()
            if key not in index:
                raise InputError(
                    f"model {text!r}: unknown list {name.strip()!r} (lists: {', '.join(lists)})"
                )
            term |= 1 << index[key]
        gens.append(term)
    model = Model.from_generators(len(lists), gens)
    if model.order >= len(lists):
        raise InputError(f"model {text!r} is saturated: the unseen cell cannot be estimated")
    return model


def pairs(k: int) -> list[int]:
    """Every two-list term."""
    return [(1 << a) | (1 << b) for a, b in combinations(range(k), 2)]
