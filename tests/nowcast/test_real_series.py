"""The real reporting triangle of the nowcast backtest (bench/data) has exactly the shape its
notice describes, so that the file cannot change unnoticed."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from unaccounted.nowcast import layout, read_triangle
from unaccounted.nowcast.triangle import corrections

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
SERIES = DATA / "germany_covid19_hosp_weekly.csv"
D = dt.date


def test_the_real_series_has_its_documented_shape() -> None:
    rows = read_triangle(SERIES)
    assert len(rows) == 462
    periods = sorted({r.period for r in rows})
    as_of = sorted({r.as_of for r in rows})
    assert (len(periods), periods[0], periods[-1]) == (69, D(2021, 4, 12), D(2022, 8, 1))
    assert (len(as_of), as_of[0], as_of[-1]) == (69, D(2021, 4, 18), D(2022, 8, 7))
    assert corrections(rows) == 0
    # Every period's first report is on its own Sunday, and a period has at most 7 reports.
    assert all(min(r.as_of for r in rows if r.period == p) == p + dt.timedelta(days=6)
               for p in periods)  # fmt: skip
    assert max(sum(r.period == p for r in rows) for p in periods) == 7
    tri = layout(rows)
    assert tri.counts.shape == (69, 69)
    assert tri.corrections == 0
    assert int(tri.latest.sum()) == 375_385
    assert (int(tri.latest.max()), tri.periods[int(tri.latest.argmax())]) == (
        11_577,
        D(2022, 3, 14),
    )
    assert rows[0].count == 3_491 and rows[-1].count == 5_062


def test_the_real_series_is_the_file_its_notice_describes() -> None:
    digest = hashlib.sha256(SERIES.read_bytes()).hexdigest()
    assert digest == "2675b3a50a529d04c120c724405b0eb91bd0acbefdf799c9327b27b8cbce407d"
    notice = (DATA / "GERMANY_COVID19_HOSP.md").read_text(encoding="utf-8")
    for fact in ("462 rows, 69 weeks", "375,385", "CC BY 4.0", "MIT", "no correction"):
        assert fact in notice
