"""True dead per event quarter from a simulated world's persons.csv."""

from __future__ import annotations

from pathlib import Path

from unaccounted.simulate.truth_strata import dead_by_quarter


def test_dead_by_quarter(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        "person_id,fate,dead,event_date,returned_on\n"
        "P1,killed,1,2023-01-15,\n"
        "P2,killed,1,2023-03-31,\n"
        "P3,killed,1,2023-04-01,\n"
        "P4,missing,0,2023-02-01,\n"  # still missing: counted only with the missing
        "P5,missing,0,2023-02-01,2023-09-01\n"  # returned: never counted
        "P6,wounded,0,2023-02-01,\n",
        "utf-8",
    )
    assert dead_by_quarter(path) == {"2023-Q1": 2, "2023-Q2": 1}
    assert dead_by_quarter(path, include_missing=True) == {"2023-Q1": 3, "2023-Q2": 1}
