"""Name pools: the formed surnames of the non-Russian groups, off by default."""

from pathlib import Path

import numpy as np
import pytest

from unaccounted.errors import InputError
from unaccounted.simulate.config import load_config
from unaccounted.simulate.names import formed_surname_table, formed_surnames, name_pools


def test_default_pools_hold_the_listed_surnames_only() -> None:
    pools = name_pools()
    tatar = [pools.surnames[i] for i in pools.surname_choice["tatar"].index]
    # surnames.csv lists 20 Tatar surnames; nothing formed is drawn by default
    assert len(tatar) == 20
    russian = {pools.surnames[i] for i in pools.surname_choice["russian"].index}
    assert "Гайнуллин" in russian  # in the russian-names tail, drawn as a Russian surname


def test_formed_surnames_take_their_share_of_each_group() -> None:
    table = formed_surname_table()
    assert table["tatar"][:3] == ["Абдуллин", "Габдуллин", "Гайнуллин"]  # the file's order
    with formed_surnames(0.6):
        pools = name_pools()
    tatar = pools.surname_choice["tatar"]
    names = [pools.surnames[i] for i in tatar.index]
    # the 20 listed surnames, then the 62 formed ones none of which is listed
    assert len(names) == 20 + len(table["tatar"]) == 82
    assert float(tatar.p[20:].sum()) == pytest.approx(0.6)
    assert "Гайнуллин" in names
    russian = {pools.surnames[i] for i in pools.surname_choice["russian"].index}
    assert "Гайнуллин" not in russian  # a formed Tatar surname leaves the Russian tail
    assert name_pools() is not pools  # outside the block: the default pools again
    assert len(name_pools().surname_choice["tatar"].index) == 20


def test_formed_share_draws_fewer_namesakes() -> None:
    """Of 3,000 Bashkir draws of surname alone, the formed pool repeats surnames less."""
    rng = np.random.default_rng(3)
    narrow = name_pools().surname_choice["bashkir"].draw(rng, 3000)
    with formed_surnames(0.6):
        wide = name_pools().surname_choice["bashkir"].draw(np.random.default_rng(3), 3000)
    assert len(set(narrow.tolist())) == 15
    assert len(set(wide.tolist())) == 15 + len(formed_surname_table()["bashkir"]) == 54


def test_formed_share_out_of_range_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sim.yaml"
    path.write_text("persons:\n  formed_surname_share: 1.5\n", encoding="utf-8")
    with pytest.raises(InputError, match="persons.formed_surname_share: Input should be less"):
        load_config(path)
