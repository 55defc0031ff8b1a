"""Nowcasting reporting delay: how many deaths of recent periods are not reported *yet*.

Read a reporting triangle with :func:`read_triangle` (or build its rows from a workspace
with :mod:`unaccounted.store.nowcast`), lay it out with :func:`layout` and call
:func:`nowcast`. See ``docs/nowcast.md``.
"""

from unaccounted.nowcast.models import (
    DELAY_WEIGHTS,
    METHODS,
    Nowcast,
    NowcastSettings,
    PeriodNowcast,
    nowcast,
)
from unaccounted.nowcast.triangle import Report, Triangle, layout, read_triangle

__all__ = [
    "DELAY_WEIGHTS",
    "METHODS",
    "Nowcast",
    "NowcastSettings",
    "PeriodNowcast",
    "Report",
    "Triangle",
    "layout",
    "nowcast",
    "read_triangle",
]
