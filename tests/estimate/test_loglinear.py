"""Fixed log-linear models: published point estimates, existence checks, profile intervals."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from unaccounted.errors import InputError
from unaccounted.estimate import CaptureHistories
from unaccounted.estimate.existence import check
from unaccounted.estimate.loglinear import fit, profile_interval
from unaccounted.estimate.models import Model, all_models, parse_model

Ref = Callable[[str], CaptureHistories]


def fixed(h: CaptureHistories, text: str) -> float:
    f = fit(parse_model(text, h.lists), h.cells(), h.lists)
    assert f.ok, f.verdict.reason
    return f.estimate


def test_korea_bc_interaction(ref: Ref) -> None:
    # MultipleSystemsEstimation vignette (Korea, Ball, Shin & Yang 2018): with b:c, 268.78
    assert fixed(ref("Korea"), "b:c + d") == pytest.approx(268.78, abs=0.005)


def test_new_orleans_main_effects_and_d_e(ref: Ref) -> None:
    # Chan, Silverman & Vincent (2021, JASA 116:1297): main effects 997; D:E model 1184
    h = ref("NewOrl")
    assert round(fixed(h, " + ".join(h.lists))) == 997
    assert round(fixed(h, "D:E")) == 1184


def test_new_orleans_5_main_effects(ref: Ref) -> None:
    # Chan, Silverman & Vincent (2021): five-list New Orleans, main effects 1034
    h = ref("NewOrl_5")
    assert round(fixed(h, " + ".join(h.lists))) == 1034


def test_western_a_e(ref: Ref) -> None:
    # Chan, Silverman & Vincent (2021): Western site, stepwise selects A:E, 2483
    assert round(fixed(ref("Western"), "A:E")) == 2483


@pytest.mark.parametrize(
    ("model", "exists", "identifiable"),
    [
        # Chan, Silverman & Vincent (2021), Table 2 / SparseMSE Artificial_3 documentation
        ("A:B + A:C + B:C", True, False),
        ("A:B + C", False, True),
        ("A:C + B:C", True, True),
    ],
)
def test_artificial_3_verdicts(ref: Ref, model: str, exists: bool, identifiable: bool) -> None:
    h = ref("Artificial_3")
    v = check(parse_model(model, h.lists), h.cells(), h.lists)
    assert (v.exists, v.identifiable) == (exists, identifiable)
    assert fit(parse_model(model, h.lists), h.cells()).ok == (exists and identifiable)


def test_refused_fit_says_why(ref: Ref) -> None:
    h = ref("Artificial_3")
    f = fit(parse_model("A:B + C", h.lists), h.cells(), h.lists)
    assert "does not exist" in f.verdict.reason


def test_two_list_independence_is_lincoln_petersen() -> None:
    # N = n1 n2 / m for two lists: 50 * 40 / 10 = 200 (Petersen estimator)
    import numpy as np

    cells = np.array([0, 40, 30, 10])
    f = fit(Model.independence(2), cells)
    assert f.estimate == pytest.approx(200.0, rel=1e-9)


def test_profile_interval_brackets_estimate(ref: Ref) -> None:
    # Kosovo, independence of the four lists fails badly, but any fixed model's profile
    # interval must contain its own point estimate.
    h = ref("Korea")
    m = parse_model("b:c + d", h.lists)
    lo, hi = profile_interval(m, h.cells(), 268.78)
    assert lo < 268.78 < hi
    assert lo > h.observed


def test_kosovo_profile_interval_matches_ball_2002(ref: Ref) -> None:
    # Ball et al. (2002, report to the ICTY): 95% interval 9,002-12,122 from their
    # log-linear model; the downhill model's profile interval lands within 0.2% of it.
    h = ref("Kosovo")
    m = parse_model("EXH:ABA:OSCE + EXH:HRW + OSCE:HRW", h.lists)
    lo, hi = profile_interval(m, h.cells(), fixed(h, "EXH:ABA:OSCE + EXH:HRW + OSCE:HRW"))
    assert lo == pytest.approx(9002, rel=0.002)
    assert hi == pytest.approx(12122, rel=0.002)


def test_model_counts() -> None:
    # Silverman, Chan & Vincent (2024): Kosovo (4 lists, order <= 3) has 113 candidate models
    assert len(all_models(4, 3)) == 113
    assert len(all_models(3, 2)) == 8  # the 2^3 subsets of the three pairs
    assert len(all_models(5, 2)) == 1024


def test_parse_model_errors() -> None:
    with pytest.raises(InputError, match="unknown list"):
        parse_model("A:Q", ("A", "B", "C"))
    with pytest.raises(InputError, match="saturated"):
        parse_model("A:B:C", ("A", "B", "C"))
    assert parse_model("a*b, c", ("A", "B", "C")).name(("A", "B", "C")) == "A:B + C"
