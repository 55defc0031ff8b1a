"""Model Mth (heterogeneous capture probabilities), checked against Rcapture's figure on the
lesbian table, and the refusals; the sensitivity table's heterogeneity and prior rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm

from unaccounted.estimate import compare, from_cells, read_histories
from unaccounted.estimate.heterogeneity import CHAO, HETEROGENEITY, design, mth
from unaccounted.estimate.result import EstimateRefused

DATA = Path(__file__).with_name("data")


def test_darroch_with_list_one_interactions_reproduces_rcapture_on_lesbian() -> None:
    # Rcapture 1.4-4, closedp.t(lesbian): the best model by BIC is Mth Darroch with the
    # [1,2], [1,3] and [1,4] interactions, N = 7,031.
    hist = read_histories(DATA / "lesbian.csv")
    result = mth(hist, "Darroch", [0b0011, 0b0101, 0b1001])
    assert result.model == "Mth Darroch + A:B + A:C + A:D"
    assert round(result.estimate) == 7031
    assert result.lower < result.estimate < result.upper
    assert result.diagnostics["deviance_df"] == 15 - 9


def test_the_forms_are_zero_for_the_unseen_and_grow_with_the_lists_a_person_is_on() -> None:
    x = design(3, "Darroch", [], np.arange(8, dtype=np.int64))
    assert x[:, -1].tolist() == [0, 0.5, 0.5, 2, 0.5, 2, 2, 4.5]
    assert x[0, :-1].tolist() == [1, 0, 0, 0]
    assert design(2, "Poisson2", [], np.array([0, 3]))[:, -1].tolist() == [0, 3]
    gamma = design(2, "Gamma3.5", [], np.array([0, 1]))[:, -1]
    assert gamma.tolist() == [0.0, pytest.approx(-np.log(1 + 1 / 3.5))]
    with pytest.raises(ValueError, match="^unknown heterogeneity form 'Beta'"):
        design(3, "Beta", [], np.arange(8))


def test_the_interval_ends_are_where_the_profile_likelihood_drops_by_1_92() -> None:
    from unaccounted.estimate.heterogeneity import _profile_loglik

    hist = read_histories(DATA / "Kosovo.csv")
    result = mth(hist, "Poisson2")
    idx = np.arange(0, 16, dtype=np.int64)
    x = design(4, "Poisson2", [], idx)
    y = hist.cells()[1:].astype(np.float64)
    n = hist.observed
    grid = np.linspace(result.unseen * 0.9, result.unseen * 1.1, 41)
    top = max(_profile_loglik(x, y, u) for u in grid)
    for end in (result.lower, result.upper):
        assert _profile_loglik(x, y, end - n) == pytest.approx(top - 1.920729, abs=0.01)


def test_lists_that_overlap_less_than_independence_are_refused() -> None:
    # many people on two lists, few on all three: less spread than equal probabilities give
    hist = from_cells(["A", "B", "C"], [0, 100, 100, 40, 100, 40, 40, 2])
    with pytest.raises(EstimateRefused, match=r"^model Mth Darroch: the heterogeneity "
                       r"coefficient is negative \(-2.08\): the numbers of lists "):  # fmt: skip
        mth(hist, "Darroch")
    with pytest.raises(EstimateRefused, match="^model Mth Darroch needs three or more lists$"):
        mth(from_cells(["A", "B"], [0, 10, 10, 5]), "Darroch")
    with pytest.raises(EstimateRefused, match="no one is on more than one list$"):
        mth(from_cells(["A", "B", "C"], [0, 5, 5, 0, 5, 0, 0, 0]), "Poisson2")


def test_a_model_that_fits_badly_says_so() -> None:
    result = mth(read_histories(DATA / "lesbian.csv"), "Darroch")
    assert result.warnings == [
        "the model fits the observed cells badly (deviance 98.1 on 9 df, p = 3.7e-17): add "
        "the two-list interactions the lists need"
    ]


@pytest.mark.slow
def test_the_sensitivity_table_has_a_row_per_heterogeneity_form_and_the_prior_row() -> None:
    rows = compare(read_histories(DATA / "HIV.csv"), nboot=20)
    labels = [row.label for row in rows]
    assert [label for label in labels if "Mth" in label or "δ" in label] == [
        *(f"loglinear: Mth {form} (heterogeneity)" for form in HETEROGENEITY),
        "dga: δ = 1 (prior sensitivity)",
    ]
    by_label = {row.label: row for row in rows}
    prior = by_label["dga: δ = 1 (prior sensitivity)"].result
    assert prior is not None and prior.diagnostics["delta"] == 1.0
    darroch = by_label["loglinear: Mth Darroch (heterogeneity)"].result
    assert darroch is not None and darroch.model == "Mth Darroch"


def _glm_unseen(hist_name: str, drop: list[int]) -> float:
    """The unseen of the same design fitted by statsmodels' Poisson GLM (an independent fit),
    with the columns ``drop`` left out."""
    hist = read_histories(DATA / f"{hist_name}.csv")
    x = np.delete(design(hist.k, CHAO, [], np.arange(1, 2**hist.k)), drop, axis=1)
    fit = sm.GLM(hist.cells()[1:], x, family=sm.families.Poisson()).fit()
    return float(np.exp(fit.params[0]))


def test_chaos_lower_bound_has_a_column_per_number_of_lists_from_three() -> None:
    x = design(4, CHAO, [], np.arange(16, dtype=np.int64))
    # eta3 = max(c - 2, 0), eta4 = max(c - 3, 0) for c = 0 ... 4 lists
    assert x[[0, 1, 3, 7, 15], -2:].tolist() == [[0, 0], [0, 0], [0, 0], [1, 0], [2, 1]]
    assert design(3, CHAO, [], np.array([0, 7]))[:, -1].tolist() == [0, 1]


def test_chaos_lower_bound_keeps_positive_etas_and_drops_negative_ones() -> None:
    # lesbian: both η positive, the fit is the GLM's
    lesbian = mth(read_histories(DATA / "lesbian.csv"), CHAO)
    assert lesbian.model == "Mth Chao (LB)" and lesbian.diagnostics["eta_dropped"] == []
    assert round(lesbian.estimate, 2) == 4321.38
    assert lesbian.unseen == pytest.approx(_glm_unseen("lesbian", []), rel=1e-6)
    # Kosovo: η4 comes out negative (-0.033), so it is dropped and the model refitted
    kosovo = mth(read_histories(DATA / "Kosovo.csv"), CHAO)
    assert kosovo.diagnostics["eta_dropped"] == ["eta4"]
    assert list(kosovo.diagnostics["eta"]) == ["eta3"]
    assert round(kosovo.estimate, 2) == 8591.18
    assert kosovo.unseen == pytest.approx(_glm_unseen("Kosovo", [-1]), rel=1e-6)
    assert kosovo.unseen < _glm_unseen("Kosovo", [])  # the negative η would give more
    # HIV: no one is on all four lists, η4 heads to minus infinity: dropped, not a refusal
    hiv = mth(read_histories(DATA / "HIV.csv"), CHAO)
    assert hiv.diagnostics["eta_dropped"] == ["eta4"] and round(hiv.estimate, 2) == 11700.99
    assert hiv.lower < hiv.estimate < hiv.upper
