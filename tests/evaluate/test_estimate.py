"""Interval coverage and relative error against true counts."""

import json
from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.evaluate.estimate import check_estimates, coverage
from unaccounted.evaluate.io import read_results, read_truth_counts

TRUTH = {"all": 1000.0, "region:RU-BU": 100.0, "period:2023-03": 50.0}


def test_single_result_is_all() -> None:
    [c] = check_estimates(TRUTH, [{"observed": 700, "estimate": 950, "lower": 900, "upper": 1100}])
    assert c.stratum == "all" and c.covered
    assert c.relative_error == pytest.approx(-0.05)
    assert c.relative_width == pytest.approx(0.2)


def test_strata_by_key_and_nowcast_periods() -> None:
    results = [
        {"stratum": "region:RU-BU", "estimate": 130, "lower": 110, "upper": 150},  # misses
        {"period": "2023-03", "estimate": 48, "lower": 40, "upper": 60},  # nowcast shape
        {"stratum": "region:XX", "estimate": 1, "lower": 0, "upper": 2},  # no truth: skipped
    ]
    checks = check_estimates(TRUTH, results)
    assert [(c.stratum, c.covered) for c in checks] == [
        ("region:RU-BU", False),
        ("period:2023-03", True),
    ]
    assert coverage(checks) == 0.5


def test_missing_field() -> None:
    with pytest.raises(ValueError, match="missing 'upper'"):
        check_estimates(TRUTH, [{"estimate": 1, "lower": 0}])


def test_readers(tmp_path: Path) -> None:
    t = tmp_path / "dead.json"
    t.write_text(json.dumps({"all": 10}), encoding="utf-8")
    assert read_truth_counts(t) == {"all": 10.0}
    c = tmp_path / "dead.csv"
    c.write_text("region,dead\nRU-BU,5\n", encoding="utf-8")
    assert read_truth_counts(c) == {"RU-BU": 5.0}
    r = tmp_path / "r.json"
    r.write_text('[{"estimate": 1, "lower": 0, "upper": 2}]', encoding="utf-8")
    assert read_results(r) == [{"estimate": 1, "lower": 0, "upper": 2}]
    r.write_text("{oops", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        read_results(r)
