"""Checking estimates against the true counts: does each interval cover the truth?

``truth`` maps a stratum name to the true number (``"all"`` for the whole population,
``"region:RU-BU"``, ``"period:2023-03"`` … as ``truth/dead.json`` writes them).
``results`` are the objects ``unaccounted estimate --json`` or ``nowcast --json`` print:
each has ``estimate``, ``lower``, ``upper`` and, when there are several, a stratum key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

#: Keys that name a result's stratum, in the order they are looked for.
STRATUM_KEYS: tuple[str, ...] = ("stratum", "key", "name", "period", "unit", "region")


@dataclass(frozen=True)
class EstimateCheck:
    stratum: str
    truth: float
    estimate: float
    lower: float
    upper: float
    covered: bool
    relative_error: float
    relative_width: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def stratum_of(result: Mapping[str, Any], key: str | None = None) -> str:
    """The stratum a result object is about; ``"all"`` when it names none."""
    if key is not None:
        if key not in result:
            raise ValueError(f"result has no {key!r} key: {sorted(result)}")
        return str(result[key])
    for k in STRATUM_KEYS:
        if k in result and result[k] is not None:
            value = str(result[k])
            if k in ("period", "unit", "region") and ":" not in value:
                return f"{k}:{value}"
            return value
    return "all"


def _number(result: Mapping[str, Any], field: str) -> float:
    value = result.get(field)
    if value is None:
        raise ValueError(f"result is missing {field!r} (has {sorted(result)})")
    return float(value)


def check_estimates(truth: Mapping[str, float], results: Sequence[Mapping[str, Any]],
                    key: str | None = None) -> list[EstimateCheck]:  # fmt: skip
    """One check per result whose stratum has a true count."""
    checks: list[EstimateCheck] = []
    for result in results:
        stratum = stratum_of(result, key)
        if stratum not in truth:
            short = stratum.partition(":")[2]
            if short in truth:
                stratum = short
            else:
                continue
        true = float(truth[stratum])
        est, lo, hi = (_number(result, f) for f in ("estimate", "lower", "upper"))
        checks.append(
            EstimateCheck(
                stratum=stratum,
                truth=true,
                estimate=est,
                lower=lo,
                upper=hi,
                covered=lo <= true <= hi,
                relative_error=(est - true) / true if true else float("inf"),
                relative_width=(hi - lo) / true if true else float("inf"),
            )
        )
    return checks


def coverage(checks: Sequence[EstimateCheck]) -> float:
    """Share of intervals that cover the truth."""
    return sum(c.covered for c in checks) / len(checks) if checks else float("nan")
