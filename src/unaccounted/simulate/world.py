"""The ground truth: every person of a simulated world, as column arrays.

All draws are vectorised with numpy; each part of the world takes its own random stream
(``stream(seed, "persons")``) so that changing one part of the config does not reshuffle
another. Dates are integer day numbers since 1970-01-01.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from unaccounted.simulate.config import FatesConfig, SimulationConfig
from unaccounted.simulate.families import add_families
from unaccounted.simulate.locale import read_table
from unaccounted.simulate.names import GROUPS, NamePools, name_pools
from unaccounted.simulate.patronymics import feminine_surname, patronymic
from unaccounted.simulate.units import Unit, build_units

EPOCH = dt.date(1970, 1, 1)
#: Final fates; ``returned`` is a captive back in an exchange by ``war.as_of``.
FATE_CODES: tuple[str, ...] = ("killed", "missing", "captured", "wounded", "returned")
RANKS: tuple[str, ...] = (
    "рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "прапорщик",
    "лейтенант", "старший лейтенант", "капитан", "майор", "подполковник",
)  # fmt: skip
_RANK_P = np.array([0.62, 0.1, 0.07, 0.06, 0.04, 0.03, 0.03, 0.02, 0.015, 0.01, 0.005])

Ints = npt.NDArray[np.int64]
Objects = npt.NDArray[np.object_]


def day(date: dt.date) -> int:
    return (date - EPOCH).days


def stream(seed: int, part: str) -> np.random.Generator:
    """An independent random stream for one named part of the simulation."""
    return np.random.default_rng([seed, zlib.crc32(part.encode("utf-8"))])


@dataclass
class World:
    """Persons as parallel arrays (index = person number; ids are ``P0000001`` …)."""

    config: SimulationConfig
    seed: int
    pools: NamePools
    regions: list[dict[str, str]]
    units: list[Unit]
    hometowns: list[str]
    places: list[dict[str, str]]
    conceal_units: list[str]  # ids of units whose official notices hide deaths
    sex: Ints  # 0 male, 1 female
    group: Ints  # index into names.GROUPS
    region: Ints
    hometown: Ints  # index into hometowns
    surname_idx: Ints
    given_idx: Ints
    father_idx: Ints
    surname: Objects  # nominative, feminine form for women
    given_name: Objects
    patronymic: Objects
    birth: Ints
    event: Ints
    category: Ints  # index into the config's category order
    unit: Ints
    rank: Ints
    fate: Ints  # index into FATE_CODES
    missing_until: Ints  # killed persons first reported missing: confirmation day, else -1
    returned_on: Ints  # -1 unless returned
    concealed: npt.NDArray[np.bool_]
    visibility: npt.NDArray[np.float64]
    place: Ints  # index into places
    father_id: Ints  # person number of the father when he is in the world, else -1
    brother_of: Ints
    namesake_of: Ints

    @property
    def n(self) -> int:
        return int(self.sex.shape[0])

    @property
    def categories(self) -> list[str]:
        return list(self.config.persons.categories)

    @property
    def dead(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.fate == 0)


def _event_days(config: SimulationConfig, rng: np.random.Generator, cat: Ints) -> Ints:
    """Event days by piecewise-constant intensity, within each category's window."""
    war = config.war
    days = np.arange(day(war.start), day(war.end) + 1)
    weight = np.zeros(days.shape[0])
    for start, value in sorted(war.intensity.items()):
        weight[days >= day(start)] = value
    out = np.zeros(cat.shape[0], dtype=np.int64)
    for c, cc in enumerate(config.persons.categories.values()):
        mask = cat == c
        w = weight.copy()
        if cc.first:
            w[days < day(cc.first)] = 0
        if cc.last:
            w[days > day(cc.last)] = 0
        if w.sum() == 0:
            w = weight
        out[mask] = rng.choice(days, size=int(mask.sum()), p=w / w.sum())
    return out


def _birth_days(config: SimulationConfig, rng: np.random.Generator, cat: Ints, event: Ints) -> Ints:
    age = np.zeros(cat.shape[0])
    for c, cc in enumerate(config.persons.categories.values()):
        mask = cat == c
        age[mask] = np.clip(
            rng.normal(cc.age_mean, cc.age_sd, int(mask.sum())), cc.age_min, cc.age_max
        )
    years = np.floor(age)
    return np.asarray(
        event - np.floor(years * 365.25 + rng.uniform(1, 364, cat.shape[0])), dtype=np.int64
    )


def _units_for(world_units: list[Unit], config: SimulationConfig, rng: np.random.Generator,
               cat: Ints, district: Ints, districts: list[str],
               size: npt.NDArray[np.float64]) -> Ints:  # fmt: skip
    out = np.zeros(cat.shape[0], dtype=np.int64)
    types = np.array([u.type for u in world_units])
    home = np.array([districts.index(u.district) for u in world_units])
    for c, cc in enumerate(config.persons.categories.values()):
        candidates = np.flatnonzero(np.isin(types, cc.unit_types))
        for d in range(len(districts)):
            mask = (cat == c) & (district == d)
            if not mask.any():
                continue
            w = np.where(home[candidates] == d, config.units.home_district_weight, 1.0) + 1e-9
            w = w * size[candidates]
            out[mask] = candidates[rng.choice(len(candidates), int(mask.sum()), p=w / w.sum())]
    return out


def conceal_shares(config: SimulationConfig, units: int, seed: int) -> npt.NDArray[np.float64]:
    """Per unit (registry order), the share of its dead a concealing unit lists as missing:
    ``units.conceal.missing_share``, or a draw from ``missing_share_range``."""
    cc = config.units.conceal
    if cc.missing_share_range is None:
        return np.full(units, cc.missing_share)
    low, high = cc.missing_share_range
    return stream(seed, "conceal-share").uniform(low, high, units)


def _heavy_fighting(
    fc: FatesConfig, seed: int, event: Ints, fate: Ints, shares: npt.NDArray[np.float64]
) -> None:
    """Redraw, in place, the fates of persons whose event falls in a period of heavy
    fighting, with the ``missing`` share multiplied by the period's factor."""
    if not fc.heavy_fighting:
        return
    rng = stream(seed, "heavy-fighting")
    for period in fc.heavy_fighting:
        inside = (event >= day(period.start)) & (event <= day(period.end))
        p = shares.copy()
        p[1] *= period.missing_factor
        fate[inside] = rng.choice(4, size=int(inside.sum()), p=p / p.sum())


def build_world(config: SimulationConfig, n: int, seed: int) -> World:
    """Generate ``n`` persons and their fates."""
    pc = config.persons
    pools = name_pools(pc.surname_zipf, pc.rare_surname_share)
    regions = [r for r in read_table("regions") if int(r["population_k"]) > 0]
    districts = sorted({r["federal_district"] or "—" for r in regions})
    rng = stream(seed, "persons")

    cats = list(pc.categories.values())
    shares = np.array([c.share for c in cats])
    category = rng.choice(len(cats), size=n, p=shares / shares.sum())
    rw = np.array(
        [int(r["population_k"]) * pc.region_multipliers.get(r["iso_code"], 1.0) for r in regions]
    )
    region = rng.choice(len(regions), size=n, p=rw / rw.sum())
    region_group = np.array([GROUPS.index(r["name_group"] or "russian") for r in regions])
    group = np.zeros(n, dtype=np.int64)
    own = rng.random(n) < np.where(
        region_group[region] == GROUPS.index("ukrainian"), 0.25, pc.name_group_share
    )
    group[own] = region_group[region][own]
    group[(group == 0) & (rng.random(n) < pc.ukrainian_share)] = GROUPS.index("ukrainian")
    sex = (rng.random(n) < pc.female_share).astype(np.int64)

    surname_idx = np.zeros(n, dtype=np.int64)
    given_idx = np.zeros(n, dtype=np.int64)
    father_idx = np.zeros(n, dtype=np.int64)
    for g, name in enumerate(GROUPS):
        m = group == g
        surname_idx[m] = pools.surname_choice[name].draw(rng, int(m.sum()))
        father_idx[m] = pools.father_choice[name].draw(rng, int(m.sum()))
        for s, table in ((0, pools.male_choice), (1, pools.female_choice)):
            ms = m & (sex == s)
            given_idx[ms] = table[name].draw(rng, int(ms.sum()))

    settlements = [f"{r['type']} {r['name']}" for r in read_table("settlements")]
    hometowns = [f"г. {r['capital']}" for r in regions]
    for r in regions:
        hometowns.extend(f"{s}, {r['name_with_type']}" for s in settlements)
    k = rng.integers(0, len(settlements) + 1, n)
    cap = rng.random(n) < 0.45
    hometown = np.where(
        cap | (k == 0), region, len(regions) + region * len(settlements) + np.maximum(k - 1, 0)
    )

    event = _event_days(config, rng, category)
    birth = _birth_days(config, rng, category, event)
    units = build_units(config, stream(seed, "units"), districts)
    district_of = np.array([districts.index(r["federal_district"] or "—") for r in regions])
    size = np.ones(len(units))
    if config.units.size_sigma > 0:
        size = stream(seed, "unit-sizes").lognormal(0.0, config.units.size_sigma, len(units))
    unit = _units_for(units, config, rng, category, district_of[region], districts, size)
    rank_p = _RANK_P / _RANK_P.sum()
    rank = rng.choice(len(RANKS), size=n, p=rank_p)

    fc = config.fates
    fshare = np.array([fc.shares.get(f, 0.0) for f in FATE_CODES[:4]])
    fate = rng.choice(4, size=n, p=fshare / fshare.sum())
    _heavy_fighting(fc, seed, event, fate, fshare)
    returned_on = np.where(fate == 2, event + rng.integers(30, 700, n), -1)
    back = (
        (fate == 2) & (rng.random(n) < fc.returned_share) & (returned_on <= day(config.war.as_of))
    )
    fate[back] = 4
    returned_on[~back] = -1
    first_missing = (fate == 0) & (rng.random(n) < fc.missing_then_killed)
    delay = np.ceil(rng.exponential(fc.confirm_delay_days, n)).astype(np.int64)
    missing_until = np.where(first_missing, event + delay, -1)

    conceal_units = set(config.units.conceal.units)
    if not conceal_units:
        draws = stream(seed, "conceal").random(len(units))
        chosen = draws < config.units.conceal.unit_share
        fewest = min(config.units.conceal.min_units, len(units))
        if chosen.sum() < fewest:
            chosen[np.argsort(draws, kind="stable")[:fewest]] = True
        conceal_units = {u.unit_id for u, c in zip(units, chosen, strict=True) if c}
    conceals = np.array([u.unit_id in conceal_units for u in units])
    share = conceal_shares(config, len(units), seed)
    concealed = (fate == 0) & conceals[unit] & (rng.random(n) < share[unit])
    if fc.missing_dead_share > 0:
        # Missing who are in fact dead, in every unit: official notices keep saying missing.
        lost = (fate == 1) & (stream(seed, "missing-dead").random(n) < fc.missing_dead_share)
        fate[lost] = 0
        concealed |= lost
    visibility = rng.standard_normal(n)
    places = list(read_table("event_places"))
    place = rng.integers(0, len(places), n)

    fam = add_families(
        stream(seed, "families"), pc, sex=sex, surname_idx=surname_idx, given_idx=given_idx,
        father_idx=father_idx, region=region, hometown=hometown, group=group, birth=birth,
        event=event, pools=pools,
    )  # fmt: skip

    forms = _name_forms(pools, surname_idx, given_idx, father_idx, sex, group)
    return World(
        config=config, seed=seed, pools=pools, regions=regions, units=units, hometowns=hometowns,
        places=places, conceal_units=sorted(conceal_units), sex=sex, group=group, region=region,
        hometown=hometown,
        surname_idx=surname_idx, given_idx=given_idx, father_idx=father_idx,
        surname=forms[0], given_name=forms[1], patronymic=forms[2], birth=birth, event=event,
        category=category, unit=unit, rank=rank, fate=fate, missing_until=missing_until,
        returned_on=returned_on, concealed=concealed, visibility=visibility, place=place,
        father_id=fam.father_id, brother_of=fam.brother_of, namesake_of=fam.namesake_of,
    )  # fmt: skip


def _name_forms(pools: NamePools, surname_idx: Ints, given_idx: Ints, father_idx: Ints,
                sex: Ints, group: Ints) -> tuple[Objects, Objects, Objects]:  # fmt: skip
    """Nominative surname (feminine for women), given name and patronymic per person."""
    keys, inverse = np.unique(surname_idx * 2 + sex, return_inverse=True)
    sur = np.array(
        [
            feminine_surname(pools.surnames[k // 2], pools.surname_group[k // 2]) if k % 2
            else pools.surnames[k // 2]
            for k in keys.tolist()
        ],
        dtype=object,
    )[inverse]  # fmt: skip
    given = np.array(pools.given, dtype=object)[given_idx]
    keys, inverse = np.unique(father_idx * 2 + sex, return_inverse=True)
    pat = np.array(
        [patronymic(pools.given[k // 2], "f" if k % 2 else "m") for k in keys.tolist()],
        dtype=object,
    )[inverse]
    return sur, given, pat
