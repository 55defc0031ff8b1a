"""The harder concealment worlds: dead among the missing, heavy fighting, unit sizes and a
range of concealed shares — each off by default, so the default world does not move."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from unaccounted.errors import InputError
from unaccounted.simulate.config import SimulationConfig, load_config
from unaccounted.simulate.world import build_world, conceal_shares

N, SEED = 3000, 3


def _config(tmp_path: Path, text: str) -> SimulationConfig:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_every_missing_dead_leaves_no_missing_fate(tmp_path: Path) -> None:
    plain = build_world(load_config(), N, SEED)
    world = build_world(_config(tmp_path, "fates: {missing_dead_share: 1.0}\n"), N, SEED)
    # Every person whose fate was missing is now killed, and official notices call him
    # missing (``concealed``); nobody else changes.
    was_missing = plain.fate == 1
    assert int((world.fate == 1).sum()) == 0
    assert (world.fate[was_missing] == 0).all() and world.concealed[was_missing].all()
    assert (world.fate[~was_missing] == plain.fate[~was_missing]).all()
    assert (world.concealed[~was_missing] == plain.concealed[~was_missing]).all()


def test_heavy_fighting_raises_the_missing_inside_its_period(tmp_path: Path) -> None:
    text = "fates:\n  heavy_fighting: [{start: 2022-03-01, end: 2023-12-31, missing_factor: 5}]\n"
    plain = build_world(load_config(), N, SEED)
    world = build_world(_config(tmp_path, text), N, SEED)
    assert (world.event == plain.event).all()
    inside = (
        world.event >= (np.datetime64("2022-03-01") - np.datetime64("1970-01-01")).astype(int)
    ) & (world.event <= (np.datetime64("2023-12-31") - np.datetime64("1970-01-01")).astype(int))
    # The missing share 0.17 × 5 against killed 0.55, captured 0.06, wounded 0.22: about 0.5.
    share = float((world.fate[inside] == 1).mean())
    assert 0.45 < share < 0.56 and float((plain.fate[inside] == 1).mean()) < 0.2
    assert (world.fate[~inside] == plain.fate[~inside]).all()


def test_a_range_of_concealed_shares_per_unit(tmp_path: Path) -> None:
    config = _config(tmp_path, "units: {conceal: {missing_share_range: [0.3, 0.9]}}\n")
    shares = conceal_shares(config, 50, SEED)
    assert shares.shape == (50,) and 0.3 <= shares.min() < shares.max() <= 0.9
    assert (conceal_shares(load_config(), 4, SEED) == 0.6).all()  # the default: one share


def test_unit_sizes_spread(tmp_path: Path) -> None:
    def sizes(config: SimulationConfig) -> np.ndarray:
        world = build_world(config, N, SEED)
        return np.bincount(world.unit, minlength=len(world.units))

    plain = sizes(load_config())
    spread = sizes(_config(tmp_path, "units: {size_sigma: 1.5}\n"))
    assert spread.sum() == plain.sum() == N
    assert spread.std() > 1.5 * plain.std()


def test_a_reversed_range_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing_share_range must be"):
        _config(tmp_path, "units: {conceal: {missing_share_range: [0.9, 0.3]}}\n")


def test_at_least_min_units_conceal(tmp_path: Path) -> None:
    # no unit's draw is below a share of 0: the two lowest draws conceal, and only they
    none = build_world(_config(tmp_path, "units: {conceal: {unit_share: 0.0}}\n"), N, SEED)
    two = build_world(
        _config(tmp_path, "units: {conceal: {unit_share: 0.0, min_units: 2}}\n"), N, SEED
    )
    assert int(none.concealed.sum()) == 0
    concealing = {int(u) for u in np.unique(two.unit[two.concealed])}
    assert len(concealing) == 2
    # where the share already draws enough, min_units changes nothing
    plain = build_world(load_config(), N, SEED)
    one = build_world(_config(tmp_path, "units: {conceal: {min_units: 1}}\n"), N, SEED)
    assert (one.concealed == plain.concealed).all() and plain.concealed.any()


def test_a_harder_world_has_its_own_hash() -> None:
    """Keys added for these worlds are left out of the hash at their default (the default
    world's digest is pinned in test_hand.py); set, they change it."""
    config = load_config()
    harder = config.model_copy(
        update={"units": config.units.model_copy(update={"size_sigma": 1.0})}
    )
    assert harder.digest() != config.digest()
    conceal = config.units.conceal.model_copy(update={"min_units": 1})
    fewest = config.model_copy(
        update={"units": config.units.model_copy(update={"conceal": conceal})}
    )
    assert fewest.digest() != config.digest()
