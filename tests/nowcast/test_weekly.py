"""Weekly triangles from dated deaths."""

from __future__ import annotations

import datetime as dt

import pytest

from unaccounted.errors import InputError
from unaccounted.nowcast import Report
from unaccounted.nowcast.weekly import weekly_reports

D = dt.date


def test_cumulative_counts_by_event_week_and_sunday() -> None:
    deaths = [
        (D(2024, 3, 5), D(2024, 3, 6)),  # week of Mon 4 March, known that week
        (D(2024, 3, 10), D(2024, 3, 15)),  # Sunday 10th: same week, known the next
        (D(2024, 3, 12), D(2024, 3, 11)),  # "known" before the event: counts from the event day
        (D(2024, 3, 12), D(2024, 3, 30)),  # known after the cut: left out
    ]
    rows = weekly_reports(deaths, D(2024, 3, 20))
    assert rows == [
        Report(D(2024, 3, 4), D(2024, 3, 10), 1),
        Report(D(2024, 3, 4), D(2024, 3, 17), 2),
        Report(D(2024, 3, 4), D(2024, 3, 20), 2),
        Report(D(2024, 3, 11), D(2024, 3, 17), 1),
        Report(D(2024, 3, 11), D(2024, 3, 20), 1),
    ]


def test_default_cut_is_the_latest_known_day_and_empty_input_is_refused() -> None:
    rows = weekly_reports([(D(2024, 3, 5), D(2024, 3, 6))])
    assert rows == [Report(D(2024, 3, 4), D(2024, 3, 6), 1)]
    with pytest.raises(InputError, match="no dated deaths to nowcast"):
        weekly_reports([])
    with pytest.raises(InputError, match="no death with an event date was known on or before"):
        weekly_reports([(D(2024, 3, 5), D(2024, 3, 6))], D(2024, 3, 5))
