"""True dead per event quarter, read from a simulated world's ``truth/persons.csv``.

The stratified estimates (``unaccounted estimate --by period``) are per quarter of the event
date; this gives the truth to hold them against, for the demo and the benchmark.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from unaccounted.estimate.strata import quarter


def dead_by_quarter(persons_csv: Path, include_missing: bool = False) -> dict[str, int]:
    """Quarter → simulated dead with their event in it (``include_missing``: and the
    missing who never returned)."""
    out: dict[str, int] = {}
    with persons_csv.open(encoding="utf-8", newline="") as fh:
        for p in csv.DictReader(fh):
            missing = p["fate"] == "missing" and not p["returned_on"]
            if p["dead"] != "1" and not (include_missing and missing):
                continue
            day = dt.date.fromisoformat(p["event_date"])
            q = quarter(day, day) or ""
            out[q] = out.get(q, 0) + 1
    return dict(sorted(out.items()))
