"""Charts of the HTML report as inline SVG: no script, no network, readable when printed.

Each function returns an ``<svg>`` element as :class:`markupsafe.Markup`. Every label is
escaped here (unit and category names come from the sources, which are untrusted), every
bar has a ``<title>`` with its exact count (shown on hover) and the chart has an
``aria-label``; the pages also show the same numbers in a table next to each chart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = 'font-family="system-ui, DejaVu Sans, sans-serif"'
AXIS = "#555"
GRID = "#ddd"


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: Sequence[int]


@dataclass(frozen=True)
class ShareBar:
    label: str
    shown_dead: int
    officially_missing: int
    flagged: bool

    @property
    def share(self) -> float:
        return self.shown_dead / self.officially_missing if self.officially_missing else 0.0


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 covering ``top`` (steps of 1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _num(x: float) -> str:
    return f"{x:,.0f}"


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" {FONT} '
        f'font-size="12">' + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    out = []
    for s in series:
        out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{s.color}"/>')
        out.append(f'<text x="{x + 16:.1f}" y="{y:.1f}">{escape(s.name)}</text>')
        x += 24 + 7.5 * len(s.name)
    return out


def stacked_columns(labels: Sequence[str], series: Sequence[Series], label: str) -> Markup:
    """Vertical columns, one per label (e.g. a month), each stacking the series' values."""
    width, height = 900, 300
    left, right, top, bottom = 56, 12, 34, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot_h / ticks[-1]
    body = _legend(series, left, 16)
    for t in ticks:
        y = top + plot_h - t * scale
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">{_num(t)}</text>'
        )
    slot = plot_w / n
    bar = max(slot * 0.8, 1.0)
    every = max(1, math.ceil(n / 18))  # at most ~18 axis labels
    for i, name in enumerate(labels):
        x = left + i * slot + (slot - bar) / 2
        base = float(top + plot_h)
        for s in series:
            v = s.values[i]
            if v <= 0:
                continue
            h = v * scale
            base -= h
            body.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{s.color}"><title>{escape(name)}: {_num(v)} {escape(s.name.lower())}'
                "</title></rect>"
            )
        if i % every == 0:
            cx = left + i * slot + slot / 2
            body.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" fill="{AXIS}" '
                f'transform="rotate(-45 {cx:.1f} {top + plot_h + 14})">{escape(name)}</text>'
            )
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{AXIS}"/>'
    )
    return _svg(width, height, label, body)


def horizontal_bars(
    rows: Sequence[tuple[str, int]], color: str, label: str, *, label_width: int = 160
) -> Markup:
    """One horizontal bar per ``(label, count)``, the count written at the bar's end."""
    width, row_h, top = 500, 24, 6
    height = top + row_h * max(len(rows), 1) + 6
    plot_w = width - label_width - 50
    top_value = max((v for _, v in rows), default=0) or 1
    body = []
    for i, (name, value) in enumerate(rows):
        y = top + i * row_h
        w = plot_w * value / top_value
        shown = name if len(name) <= 22 else name[:21] + "…"
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(shown)}</text>'
        )
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{color}"><title>{escape(name)}: {_num(value)}</title></rect>'
        )
        body.append(f'<text x="{label_width + w + 6:.1f}" y="{y + 16}">{_num(value)}</text>')
    return _svg(width, height, label, body)


#: The words of :func:`share_bars`, in English.
SHARE_WORDS = {
    "chart.share.count": "{dead} of {missing}",
    "chart.share.title": "{dead} of {missing} officially missing shown dead",
    "chart.share.reference": "all ranked units: {share}",
}


def share_bars(
    rows: Sequence[ShareBar], reference: float | None, label: str, *, label_width: int = 230,
    words: Mapping[str, str] = SHARE_WORDS,
) -> Markup:  # fmt: skip
    """The share of each unit's officially missing that independent sources show dead, as
    bars on a 0–100 % axis, flagged units dark; a dashed line marks the reference share.
    ``words``: the texts of :data:`SHARE_WORDS` in the report's language."""
    width, row_h, top, bottom = 760, 24, 24, 26
    height = top + row_h * max(len(rows), 1) + bottom
    plot_w = width - label_width - 90
    body = []
    for pct in (0, 25, 50, 75, 100):
        x = label_width + plot_w * pct / 100
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{AXIS}">{pct}%</text>'
        )
    for i, r in enumerate(rows):
        y = top + i * row_h
        w = plot_w * r.share
        color = "#8b1a1a" if r.flagged else "#9aa3ad"
        shown = r.label if len(r.label) <= 34 else r.label[:33] + "…"
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(shown)}</text>'
        )
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{color}"><title>{escape(r.label)}: '
            + str(
                escape(
                    words["chart.share.title"].format(
                        dead=r.shown_dead, missing=r.officially_missing
                    )
                )
            )
            + "</title></rect>"
        )
        body.append(
            f'<text x="{label_width + w + 6:.1f}" y="{y + 16}">'
            + str(
                escape(
                    words["chart.share.count"].format(
                        dead=r.shown_dead, missing=r.officially_missing
                    )
                )
            )
            + "</text>"
        )
    if reference is not None:
        x = label_width + plot_w * reference
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - bottom}" '
            f'stroke="#1f4e79" stroke-width="2" stroke-dasharray="5 4"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="#1f4e79">'
            + str(escape(words["chart.share.reference"].format(share=f"{reference:.0%}")))
            + "</text>"
        )
    return _svg(width, height, label, body)
