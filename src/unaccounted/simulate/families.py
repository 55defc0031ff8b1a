"""Hard negatives for linkage: brothers, fathers and sons, and exact namesakes.

Real lists are full of records that look alike and are different people:

- **brothers** share surname, patronymic, region and hometown, differ in given name and
  birth date by one to ten years;
- **father and son** share surname, region and hometown, and the son's patronymic is
  made from the father's given name;
- **namesakes** have the same surname, given name and patronymic as someone else and live
  elsewhere (common names also collide on their own, through the Zipf frequencies).

The arrays are changed in place; the returned links go into ``truth/persons.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from unaccounted.simulate.config import PersonsConfig
from unaccounted.simulate.names import GROUPS, NamePools

Ints = npt.NDArray[np.int64]
YEAR = 365


@dataclass(frozen=True)
class FamilyLinks:
    father_id: Ints
    brother_of: Ints
    namesake_of: Ints


def _differ(rng: np.random.Generator, pools: NamePools, group: Ints, given: Ints,
            other: Ints, who: Ints) -> None:  # fmt: skip
    """Redraw given names of ``who`` until they differ from ``other``'s."""
    for _ in range(20):
        same = who[given[who] == given[other]]
        if same.size == 0:
            return
        for g in np.unique(group[same]).tolist():
            idx = same[group[same] == g]
            given[idx] = pools.male_choice[GROUPS[g]].draw(rng, idx.size)


def add_families(rng: np.random.Generator, pc: PersonsConfig, *, sex: Ints, surname_idx: Ints,
                 given_idx: Ints, father_idx: Ints, region: Ints, hometown: Ints, group: Ints,
                 birth: Ints, event: Ints, pools: NamePools) -> FamilyLinks:  # fmt: skip
    n = sex.shape[0]
    father_id = np.full(n, -1, dtype=np.int64)
    brother_of = np.full(n, -1, dtype=np.int64)
    namesake_of = np.full(n, -1, dtype=np.int64)
    men = rng.permutation(np.flatnonzero(sex == 0))
    n_bro = int(pc.brothers_share * n / 2)
    n_fs = int(pc.father_son_share * n / 2)
    n_bro = min(n_bro, men.size // 2)
    n_fs = min(n_fs, (men.size - 2 * n_bro) // 2)

    # Brothers: b copies a's family fields; given names must differ.
    a, b = men[:n_bro], men[n_bro : 2 * n_bro]
    for arr in (surname_idx, father_idx, region, hometown, group):
        arr[b] = arr[a]
    gap = rng.integers(YEAR, 10 * YEAR, n_bro) * rng.choice([-1, 1], n_bro)
    birth[b] = np.minimum(birth[a] + gap, event[b] - 18 * YEAR - 5)
    _differ(rng, pools, group, given_idx, a, b)
    brother_of[b] = a

    # Fathers and sons: the son's patronymic is the father's given name.
    start = 2 * n_bro
    f, s = men[start : start + n_fs], men[start + n_fs : start + 2 * n_fs]
    for arr in (surname_idx, region, hometown, group):
        arr[s] = arr[f]
    father_idx[s] = given_idx[f]
    birth[f] = np.minimum(birth[s] - rng.integers(20 * YEAR, 32 * YEAR, n_fs), event[f] - 40 * YEAR)
    father_id[s] = f

    # Namesakes: copy the full name of another person of the same sex (not a relative).
    n_ns = int(pc.namesake_share * n)
    taken = np.zeros(n, dtype=bool)
    taken[men[: start + 2 * n_fs]] = True
    pool = np.flatnonzero(~taken & (sex == 0))
    if n_ns and pool.size > 2:
        n_ns = min(n_ns, pool.size // 2)
        pick = rng.permutation(pool)
        copier, model = pick[:n_ns], pick[n_ns : 2 * n_ns]
        for arr in (surname_idx, given_idx, father_idx, group):
            arr[copier] = arr[model]
        namesake_of[copier] = model
    return FamilyLinks(father_id, brother_of, namesake_of)
