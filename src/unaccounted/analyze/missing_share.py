"""Signal 1 of concealment: the share of a unit's official casualty notices that say missing.

A unit that reports its dead as missing has, among the persons its official notices name
as casualties (missing or dead), more missing than its peers. The test compares the unit's
count with its peers' pooled share:

- **peers** are the other reference units of the same unit type (the key's prefix,
  ``omsbr`` in ``omsbr:102``); when fewer than :data:`MIN_PEERS` exist, all other
  reference units;
- when the peers' shares vary no more than binomial sampling explains (Pearson dispersion
  at most 1) the test is the exact one-sided binomial test; otherwise the count is tested
  against a beta-binomial whose mean is the peers' pooled share and whose intra-unit
  correlation is the moment estimate from the peers' dispersion, so that peers that differ
  among themselves for ordinary reasons make one unit's deviation count for less.

The unit's share is shown with its Wilson 95 % interval. Combining this p-value with the
independent-evidence test is Fisher's method (:func:`combine`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import betabinom, binom, chi2, norm

#: Fewer peers of the same type than this: the unit is compared with all other units.
MIN_PEERS = 3
#: p-values are floored here before logarithms (scipy returns 0.0 below ~1e-308).
P_FLOOR = 1e-300


@dataclass(frozen=True)
class ShareTest:
    """A unit's missing share against its peers."""

    peers: str  # the unit type compared with, or "all units"
    peer_units: int
    peer_share: float
    dispersion: float  # Pearson dispersion of the peers (1: binomial)
    p_value: float

    def as_dict(self) -> dict[str, object]:
        return {
            "peers": self.peers,
            "peer_units": self.peer_units,
            "peer_share": round(self.peer_share, 4),
            "dispersion": round(self.dispersion, 3),
            "p_value": self.p_value,
        }


def unit_type(unit: str) -> str:
    """The type of a unit key: its prefix (``omsbr:102`` → ``omsbr``)."""
    return unit.split(":", 1)[0]


def wilson(k: int, n: int, z: float = float(norm.ppf(0.975))) -> tuple[float, float]:
    """The Wilson score interval of the share k/n (95 % by default); n must be positive."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _dispersion(counts: list[tuple[int, int]], share: float) -> float:
    """Pearson's chi-square over degrees of freedom of the peers around their pooled share."""
    if len(counts) < 2 or share in (0.0, 1.0):
        return 1.0
    pearson = sum((k - n * share) ** 2 / (n * share * (1 - share)) for k, n in counts)
    return pearson / (len(counts) - 1)


def _p_greater(k: int, n: int, share: float, phi: float, mean_n: float) -> float:
    """P(X >= k) for n notices at the peers' share, binomial or beta-binomial."""
    if share >= 1.0:
        return 1.0
    if share <= 0.0:
        return 0.0 if k > 0 else 1.0
    rho = (phi - 1) / (mean_n - 1) if phi > 1 and mean_n > 1 else 0.0
    if rho <= 0:
        return float(binom.sf(k - 1, n, share))
    rho = min(rho, 0.999)
    total = (1 - rho) / rho
    return float(betabinom.sf(k - 1, n, share * total, (1 - share) * total))


def share_test(
    unit: str, k: int, n: int, reference: dict[str, tuple[int, int]], *, by_type: bool = True
) -> ShareTest | None:
    """Test ``k`` missing of ``n`` casualty notices of ``unit`` against its peers in
    ``reference`` (unit → (missing, notices); the unit itself is left out): the units of
    its type, or all units when ``by_type`` is false. None when no peer has a notice."""
    others = {u: c for u, c in reference.items() if u != unit and c[1] > 0}
    kind = unit_type(unit)
    same = {u: c for u, c in others.items() if unit_type(u) == kind}
    by_kind = by_type and len(same) >= MIN_PEERS
    peers, label = (same, kind) if by_kind else (others, "all units")
    if not peers or n == 0:
        return None
    counts = list(peers.values())
    total_n = sum(c[1] for c in counts)
    share = sum(c[0] for c in counts) / total_n
    phi = _dispersion(counts, share)
    mean_n = total_n / len(counts)  # E[Pearson term] = 1 + (n - 1) rho, averaged over peers
    p = _p_greater(k, n, share, phi, mean_n)
    return ShareTest(label, len(peers), share, phi, min(1.0, max(p, 0.0)))


def combine(*p_values: float) -> float:
    """Fisher's method: one p-value from independent ones (-2 Σ log p ~ χ² with 2m df)."""
    stat = -2 * sum(math.log(max(p, P_FLOOR)) for p in p_values)
    return float(chi2.sf(stat, 2 * len(p_values)))
