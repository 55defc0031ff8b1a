"""The one result object every estimator returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


class EstimateRefused(Exception):
    """An estimate whose assumptions fail: raised instead of printing a confident number.

    Not an input error — the table is valid, but this method or model cannot give an
    honest answer for it. The message says why.
    """


@dataclass
class Estimate:
    """A population estimate with its 95% interval and the explanation behind it.

    ``estimate``, ``lower`` and ``upper`` count everyone (seen and unseen); ``observed`` is
    the number seen on at least one list. ``model`` names the model that produced the
    point estimate; ``diagnostics`` holds method-specific numbers (BIC, R-hat, posterior
    model weights, ...) and ``warnings`` the reasons to distrust it, in plain words.
    """

    observed: int
    estimate: float
    lower: float
    upper: float
    method: str
    model: str
    interval: str = ""
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def unseen(self) -> float:
        """The estimated number nobody recorded."""
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (non-finite numbers become ``None``)."""
        return {
            "observed": self.observed,
            "estimate": _num(self.estimate),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "method": self.method,
            "model": self.model,
            "interval": self.interval,
            "diagnostics": json_ready(self.diagnostics),
            "warnings": list(self.warnings),
        }


def _num(x: float) -> float | None:
    return round(float(x), 6) if math.isfinite(x) else None


def json_ready(value: Any) -> Any:
    """A value made JSON-ready: mappings and sequences recursively, non-finite numbers None."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    try:
        return _num(float(value))
    except (TypeError, ValueError):
        return str(value)
