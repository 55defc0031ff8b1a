"""Can this model be fitted to these counts? Existence and identifiability checks.

Two separate conditions (Fienberg & Rinaldo 2012; Chan, Silverman & Vincent 2021):

- **Existence.** A term whose lists never overlap in the data (sufficient statistic 0) has
  its extended MLE at minus infinity; it is fixed there and every cell containing it is
  dropped. On the cells that remain, the MLE exists only if some strictly positive table
  has the same sufficient statistics as the data — a linear program: maximise ``t``
  subject to ``A y = A n``, ``y >= t``. If the optimum is ``t = 0`` the MLE does not exist
  (the margins lie on the boundary of the marginal cone).
- **Identifiability.** The design on the remaining cells must have full column rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from unaccounted.estimate.models import Model


@dataclass(frozen=True)
class Verdict:
    """Whether a model's MLE exists and its parameters are identifiable, and why not."""

    exists: bool
    identifiable: bool
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.exists and self.identifiable


def design(k: int, params: list[int], cells: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The 0/1 design: column ``t`` is 1 on cells containing every list of term ``t``."""
    p = np.asarray(params, dtype=np.int64)
    out: npt.NDArray[np.float64] = ((cells[:, None] & p[None, :]) == p[None, :]).astype(np.float64)
    return out


@dataclass(frozen=True)
class Reduced:
    """A model restricted to its finite part: kept cells, estimable and boundary terms."""

    keep: npt.NDArray[np.int64]
    estimable: list[int]
    boundary: list[int]
    x: npt.NDArray[np.float64]


def reduce(model: Model, cells: npt.NDArray[np.int64]) -> Reduced:
    """Fix terms with zero sufficient statistic at minus infinity and drop their cells."""
    k = model.k
    idx = np.arange(1, 2**k, dtype=np.int64)
    params = model.parameters
    full = design(k, params, idx)
    nstar = cells[1:] @ full
    boundary = [t for t, s in zip(params, nstar, strict=True) if s == 0]
    drop = np.zeros(idx.size, dtype=bool)
    for t in boundary:
        drop |= (idx & t) == t
    keep = idx[~drop]
    estimable = [t for t in params if t not in boundary]
    cols = [params.index(t) for t in estimable]
    return Reduced(keep, estimable, boundary, full[~drop][:, cols])


def check(
    model: Model, cells: npt.NDArray[np.int64], lists: tuple[str, ...] | None = None
) -> Verdict:
    """Run both checks for ``model`` on the 2^k cell counts ``cells``."""
    red = reduce(model, cells)
    return check_reduced(red, cells[red.keep], model, lists)


def check_reduced(
    red: Reduced, y: npt.NDArray[np.int64], model: Model, lists: tuple[str, ...] | None = None
) -> Verdict:
    names = lists or tuple(chr(ord("A") + j) for j in range(model.k))
    if 0 in red.boundary:
        return Verdict(False, False, "no one was observed")
    rank = int(np.linalg.matrix_rank(red.x)) if red.x.size else 0
    identifiable = rank == red.x.shape[1] and red.x.shape[0] >= red.x.shape[1]
    exists = mle_exists(red.x, y.astype(np.float64))
    reasons = []
    if not exists:
        reasons.append(
            "the maximum-likelihood estimate does not exist (Fienberg-Rinaldo check fails)"
        )
    if not identifiable:
        dropped = ", ".join(
            ":".join(names[j] for j in range(model.k) if t >> j & 1) for t in red.boundary
        )
        why = (
            f" after fixing never-overlapping terms ({dropped}) at minus infinity"
            if dropped
            else ""
        )
        reasons.append(f"the parameters are not identifiable{why}")
    return Verdict(exists, identifiable, "; ".join(reasons))


def mle_exists(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> bool:
    """The Fienberg-Rinaldo linear program on a reduced design ``x`` and counts ``y``."""
    m, p = x.shape
    if m == 0:
        return False
    if np.all(y > 0):
        return True  # the data themselves are a strictly positive table with these margins
    scale = max(float(y.sum()), 1.0)
    # variables: y'_1..y'_m, t ; maximise t
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_eq = np.hstack([x.T, np.zeros((p, 1))])
    b_eq = x.T @ (y / scale)
    a_ub = np.hstack([-np.eye(m), np.ones((m, 1))])
    b_ub = np.zeros(m)
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        return False
    return bool(-res.fun > 1e-9)
