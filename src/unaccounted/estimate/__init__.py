"""Multiple systems estimation: how many people did no list record?

Read a capture-history table with :func:`read_histories` and call :func:`estimate` with
``method="loglinear"`` (model search + bootstrap), ``"lcmcr"`` (Bayesian latent classes) or
``"dga"`` (graphical model averaging); every method returns an :class:`Estimate`.
:func:`compare` runs them all side by side. See ``docs/estimate.md``.
"""

from unaccounted.estimate.api import METHODS, LoglinearSettings, estimate, loglinear_estimate
from unaccounted.estimate.compare import Row, compare
from unaccounted.estimate.histories import CaptureHistories, from_cells, from_rows, read_histories
from unaccounted.estimate.lcmcr import LCMCRSettings
from unaccounted.estimate.result import Estimate, EstimateRefused

__all__ = [
    "METHODS",
    "CaptureHistories",
    "Estimate",
    "EstimateRefused",
    "LCMCRSettings",
    "LoglinearSettings",
    "Row",
    "compare",
    "estimate",
    "from_cells",
    "from_rows",
    "loglinear_estimate",
    "read_histories",
]
