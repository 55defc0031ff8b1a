"""Model searches reproduce the published selected models and point estimates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from unaccounted.estimate import CaptureHistories
from unaccounted.estimate.search import run_search

Ref = Callable[[str], CaptureHistories]


def best(h: CaptureHistories, search: str, max_order: int | None = None) -> tuple[float, str]:
    r = run_search(search, h.cells(), h.k, max_order, h.lists)
    return r.best.estimate, r.best.model.name(h.lists)


@pytest.mark.parametrize(
    ("name", "max_order", "expected"),
    [
        # Silverman, Chan & Vincent (2024, Statistics and Computing 34:44), Table 6, downhill
        ("UKdat", None, 12350),
        ("UKdat", 2, 12350),
        ("UKdat_5", None, 12262),
        ("Kosovo", None, 10357),
        ("Kosovo", 2, 14342),
        ("Korea", 2, 157),
    ],
)
def test_downhill_table_6(ref: Ref, name: str, max_order: int | None, expected: int) -> None:
    estimate, _ = best(ref(name), "downhill", max_order)
    assert round(estimate) == expected


def test_korea_downhill_exact(ref: Ref) -> None:
    # MultipleSystemsEstimation reproduce-2024 vignette prints 157.166666667
    estimate, model = best(ref("Korea"), "downhill", 2)
    assert estimate == pytest.approx(157.166666667, abs=1e-6)
    assert model == "b:c + c:d"


@pytest.mark.parametrize(
    ("name", "max_order", "expected"),
    [
        # 2024 Table 6, "all-model estimate" (exhaustive BIC)
        ("Kosovo", None, 10357),
        ("Kosovo", 2, 14342),
        ("Korea", 2, 157),
    ],
)
def test_exhaustive_bic_table_6(ref: Ref, name: str, max_order: int | None, expected: int) -> None:
    estimate, _ = best(ref(name), "bic", max_order)
    assert round(estimate) == expected


@pytest.mark.slow
def test_exhaustive_bic_uk5(ref: Ref) -> None:
    # 2024 Table 6: UK5 all models (order <= 4), exhaustive BIC 25,311 over ~7,000 models
    estimate, _ = best(ref("UKdat_5"), "bic")
    assert round(estimate) == 25311


@pytest.mark.parametrize(
    ("name", "model", "expected"),
    [
        # Chan, Silverman & Vincent (2021, JASA): stepwise p < 0.02
        ("NewOrl", "D:E + A + B + C + F + G + H", 1184),
        ("Western", "A:E + B + C + D", 2483),
        ("NewOrl_5", "A + BEFG + C + D + H", 1034),
    ],
)
def test_stepwise_2021(ref: Ref, name: str, model: str, expected: int) -> None:
    estimate, chosen = best(ref(name), "stepwise")
    assert chosen == model
    assert round(estimate) == expected


def test_searches_never_choose_refused_models(ref: Ref) -> None:
    h = ref("Artificial_3")
    for search in ("downhill", "stepwise", "bic", "aic"):
        r = run_search(search, h.cells(), h.k, None, h.lists)
        assert r.best.ok
