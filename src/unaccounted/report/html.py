"""The static HTML report: plain files a journalist opens in a browser, with no network.

``write_report(ws, out)`` writes into the folder ``out``:

- ``index.html`` — the overview: dead and missing by month and category, grades;
- ``concealment.html`` — the concealment ranking;
- ``units.html`` and ``units/<unit>.html``, ``regions.html`` and ``regions/<code>.html``
  — tables and one page per unit and region with the persons behind every count;
- ``sources.html`` — every source with its kind, independence group and counts;
- ``method.html`` — what an outcome, a grade and the concealment ranking mean;
- ``data/persons.csv`` — one row per person counted, with the sources behind him.

Templates are Jinja2 with autoescaping on: names, units and sources come from untrusted
sources and are always escaped; a URL becomes a link only when
:func:`unaccounted.present.link_url` allows its scheme (http, https or relative).
Charts are inline SVG (:mod:`unaccounted.report.charts`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from unaccounted.errors import InputError
from unaccounted.present import link_url
from unaccounted.report import charts
from unaccounted.report.data import OUTCOMES, GroupPage, ReportData, report_data
from unaccounted.report.export import safe_cell
from unaccounted.report.i18n import LANGS, catalogue, translator
from unaccounted.report.output import ReportFolder
from unaccounted.resolve.rules import GRADES
from unaccounted.workspace import Workspace

TOP_PAGES = ("index", "concealment", "units", "regions", "sources", "method")
PERSONS_CSV = "data/persons.csv"
DEFAULT_TITLE = "The documented dead and missing"
DEAD_COLOR, MISSING_COLOR = "#8b1a1a", "#d08c2b"
GRADE_COLOR = "#1f4e79"

OUTCOME_LABELS = {
    "dead": "dead",
    "missing": "missing",
    "captured": "captured",
    "alive": "alive (not a casualty)",
    "none": "no status stated",
}
PERSON_COLUMNS = (
    "person_id",
    "name",
    "outcome",
    "grade",
    "rule",
    "status",
    "event_date",
    "unit",
    "region",
    "category",
    "sources",
)


def _num(value: int | float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.0001" if value < 1e-4 else f"{value:.2g}" if value < 0.01 else f"{value:.2f}"


def environment(lang: str = "en") -> Environment:
    """The templates' environment in ``lang`` (one of :data:`~unaccounted.report.i18n.LANGS`):
    ``_(key, **values)`` gives a message of the language's catalogue."""
    _ = translator(lang)
    env = Environment(
        loader=PackageLoader("unaccounted.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=_num, pct=_pct, p=_p, link_url=link_url,
                       outcome=lambda o: _(f"outcome.{o}"))  # fmt: skip
    env.globals.update(OUTCOMES=OUTCOMES, GRADES=GRADES, OUTCOME_LABELS=OUTCOME_LABELS, _=_,
                       lang=lang)  # fmt: skip
    return env


def _charts(data: ReportData, lang: str = "en") -> dict[str, Markup]:
    t = catalogue(lang)
    months = [m for m, _, _ in data.months]
    return {
        "months": charts.stacked_columns(
            months,
            [
                charts.Series(t["chart.dead"], DEAD_COLOR, [d for _, d, _ in data.months]),
                charts.Series(t["chart.missing"], MISSING_COLOR, [m for _, _, m in data.months]),
            ],
            t["chart.months"],
        ),
        "grades": charts.horizontal_bars(
            [(t[f"grade.{g}"], data.total.grades[g]) for g in GRADES],
            GRADE_COLOR,
            t["chart.grades"],
        ),
        "categories": charts.horizontal_bars(
            [(c or t["value.not_stated"], dead) for c, _, dead, _ in data.categories[:12]],
            DEAD_COLOR,
            t["chart.categories"],
        ),
        "concealment": charts.share_bars(
            [
                charts.ShareBar(
                    data.unit_name(e.unit),
                    len(e.shown_dead),
                    len(e.officially_missing),
                    e.flagged,
                )
                for e in data.ranked[:25]
            ],
            data.reference_share,
            t["chart.concealment"],
            words=t,
        ),
    }


def _persons_csv(data: ReportData) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(PERSON_COLUMNS)
    for p in data.people:
        row: dict[str, Any] = {**p.__dict__, "sources": "; ".join(p.sources)}
        w.writerow([safe_cell(row[c]) for c in PERSON_COLUMNS])
    return buf.getvalue().encode("utf-8")


def write_report(
    ws: Workspace, out: Path, *, title: str = DEFAULT_TITLE, force: bool = False,
    lang: str = "en", falsified: dict[str, list[tuple[str, str]]] | None = None,
) -> Path:  # fmt: skip
    """Write the report into ``out`` in ``lang`` (:data:`LANGS`: ``en`` or ``ru``); return
    the path of its ``index.html``. The default title is translated; a title given is
    shown as it is. Numbers, names, units, sources, the grading rules' descriptions and
    the data files are the same in every language.

    Only files an earlier report wrote are replaced, unless ``force``
    (:mod:`unaccounted.report.output`). ``falsified``: unit key → the falsified
    missing-in-action reports naming it, (incident id, grade): signal 6."""
    if lang not in LANGS:
        raise InputError(f"the report has no language «{lang}»; use one of {', '.join(LANGS)}")
    if title == DEFAULT_TITLE:
        title = catalogue(lang)["title.default"]
    data = report_data(ws, title, falsified)
    env = environment(lang)
    common: dict[str, Any] = {
        "data": data,
        "charts": _charts(data, lang),
        "source_slug": {s.name: s.slug for s in data.sources},
    }
    pages: list[tuple[str, str, dict[str, Any]]] = [
        (f"{name}.html.j2", f"{name}.html", {}) for name in TOP_PAGES
    ]
    for kind, groups in (("unit", data.units), ("region", data.regions)):
        pages += [
            ("group.html.j2", f"{kind}s/{g.slug}.html", {"kind": kind, "g": g, **_marks(g)})
            for g in groups
        ]
    with ReportFolder(out, force=force) as folder:
        folder.check([path for _, path, _ in pages] + [PERSONS_CSV])
        for template, path, extra in pages:
            root = "../" * path.count("/")
            html = env.get_template(template).render(root=root, page=path, **common, **extra)
            folder.write(path, html.encode("utf-8"))
        folder.write(PERSONS_CSV, _persons_csv(data))
    return out / "index.html"


def _marks(g: GroupPage) -> dict[str, Any]:
    """For a unit page: which persons the concealment counts name."""
    e = g.evidence
    return {
        "missing_ids": set(e.officially_missing) if e else set(),
        "dead_ids": set(e.shown_dead) if e else set(),
        "before_ids": set(e.dead_before_notice) if e else set(),
    }
