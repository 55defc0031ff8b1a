"""A sensitivity table: every applicable method and model search on the same table.

Analysts report how much the answer depends on the model; this runs them side by side and
keeps the refusals, with their reasons, as rows too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from unaccounted.errors import InputError
from unaccounted.estimate.api import LoglinearSettings, estimate
from unaccounted.estimate.dga import MAX_LISTS
from unaccounted.estimate.heterogeneity import HETEROGENEITY, mth
from unaccounted.estimate.histories import CaptureHistories
from unaccounted.estimate.lcmcr import LCMCRSettings
from unaccounted.estimate.models import all_models
from unaccounted.estimate.result import Estimate, EstimateRefused


@dataclass(frozen=True)
class Row:
    """One line of the comparison: a label and either an estimate or the refusal."""

    label: str
    result: Estimate | None
    refused: str = ""


def compare(
    hist: CaptureHistories,
    seed: int = 0,
    nboot: int = 200,
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """Run the log-linear searches, the independence model, the heterogeneity models, LCMCR
    and dga (at its default prior and at δ = 1) where they apply."""
    plans: list[tuple[str, Callable[[], Estimate]]] = [
        (
            "loglinear: independence",
            lambda: estimate(
                hist, loglinear=LoglinearSettings(model=" + ".join(hist.lists), seed=seed)
            ),
        ),
        (
            "loglinear: downhill BIC",
            lambda: estimate(hist, loglinear=LoglinearSettings(nboot=nboot, seed=seed)),
        ),
        (
            "loglinear: downhill BIC, order <= 2",
            lambda: estimate(
                hist, loglinear=LoglinearSettings(max_order=2, nboot=nboot, seed=seed)
            ),
        ),
        (
            "loglinear: stepwise p < 0.02",
            lambda: estimate(
                hist, loglinear=LoglinearSettings(search="stepwise", nboot=nboot, seed=seed)
            ),
        ),
    ]
    if hist.k <= 4 or (hist.k == 5 and len(all_models(5, 2)) < 2000):
        plans.append(
            (
                "loglinear: exhaustive BIC",
                lambda: estimate(
                    hist,
                    loglinear=LoglinearSettings(
                        search="bic", max_order=None if hist.k <= 4 else 2, nboot=nboot, seed=seed
                    ),
                ),
            )
        )
    if hist.k >= 3:
        plans += [
            (f"loglinear: Mth {form} (heterogeneity)", _mth(hist, form)) for form in HETEROGENEITY
        ]
        plans.append(
            ("lcmcr", lambda: estimate(hist, "lcmcr", lcmcr_settings=LCMCRSettings(seed=seed)))
        )
    if hist.k <= MAX_LISTS:
        plans.append(("dga", lambda: estimate(hist, "dga")))
        plans.append(("dga: δ = 1 (prior sensitivity)", lambda: estimate(hist, "dga", delta=1.0)))
    rows = []
    for label, run in plans:
        if progress is not None:
            progress(label)
        try:
            rows.append(Row(label, run()))
        except (EstimateRefused, InputError) as exc:
            rows.append(Row(label, None, str(exc)))
    return rows


def _mth(hist: CaptureHistories, form: str) -> Callable[[], Estimate]:
    return lambda: mth(hist, form)
