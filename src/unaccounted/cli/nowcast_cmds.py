"""``unaccounted nowcast``: the eventual count of recent periods, from a reporting triangle."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unaccounted.cli.app import app, console, fail, out, session
from unaccounted.errors import InputError
from unaccounted.service import estimates as service
from unaccounted.service.estimates import (
    DELAY_WEIGHTS,
    Nowcast,
    NowcastSettings,
    layout,
    nowcast,
    read_triangle,
)
from unaccounted.service.estimates import NOWCAST_METHODS as METHODS


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of {text!r} is not a date (use YYYY-MM-DD)") from None


@app.command("nowcast")
def nowcast_cmd(
    ctx: typer.Context,
    triangle: Annotated[
        Path | None,
        typer.Argument(
            help="Reporting triangle CSV (period,as_of,count); without it, the workspace's "
            "documented deaths by event week.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Use only what was known on this date (YYYY-MM-DD)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
    method: Annotated[str, typer.Option(help=f"One of: {', '.join(METHODS)}.")] = "nb",
    window: Annotated[
        int,
        typer.Option(
            help="nb: recent periods per delay that estimate the delay distribution (0: all)."
        ),
    ] = NowcastSettings.window or 0,
    delay_weights: Annotated[
        str,
        typer.Option(
            help="nb: auto (weigh periods by age, the half-life chosen by how well it predicted "
            "the triangle's own past) or window (the newest --window periods alike)."
        ),
    ] = NowcastSettings.delay_weights,
    seed: Annotated[int, typer.Option(help="Seed for the posterior and bootstrap draws.")] = 0,
    min_known: Annotated[
        float,
        typer.Option(
            help="A period of which less than this share is reported yet is shown with its "
            "interval only (JSON keeps every figure and says interval_only)."
        ),
    ] = NowcastSettings.min_known_share,
    last: Annotated[int, typer.Option(help="Periods shown in the table (JSON has all).")] = 26,
) -> None:
    """Estimate each period's eventual count, with a 95% interval, from reports so far."""
    if method not in METHODS:
        raise fail(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if delay_weights not in DELAY_WEIGHTS:
        raise fail(
            f"unknown --delay-weights {delay_weights!r}; choose one of {', '.join(DELAY_WEIGHTS)}"
        )
    if window < 0:
        raise fail(f"--window must be 0 (all periods) or more (got {window})")
    if not 0.0 <= min_known < 1.0:
        raise fail(f"--min-known must be at least 0 and below 1 (got {min_known})")
    cut = _as_of(as_of)
    if triangle is not None:
        rows = read_triangle(triangle)
        counted = f"{triangle.name}"
    else:
        with session(ctx, read_only=True) as s:
            found = service.workspace_triangle(s, cut)
        rows, cut, counted = found.rows, found.cut, found.counted
    tri = layout(rows, cut)
    settings = NowcastSettings(
        method=method,
        window=window or None,
        delay_weights=delay_weights,
        seed=seed,
        min_known_share=min_known,
    )
    with console.status(f"nowcasting ({method})"):
        result = nowcast(tri, settings)
    if as_json:
        out.print_json(json.dumps([r.to_dict() for r in result.rows]))
        return
    _table(result, counted, last, min_known)


def _table(result: Nowcast, counted: str, last: int, min_known: float) -> None:
    shown = result.rows[-last:] if last > 0 else result.rows
    table = Table(title=f"Nowcast as of {result.as_of} ({result.method})")
    for col in ("period", "observed", "estimate", "95% interval", "not yet reported"):
        table.add_column(col, justify="left" if col == "period" else "right")
    for r in shown:
        table.add_row(
            r.period.isoformat(),
            f"{r.observed:,}",
            "–" if r.interval_only else f"{r.estimate:,}",
            f"{r.lower:,} – {r.upper:,}",
            f"{r.lower - r.observed:,} – {r.upper - r.observed:,}"
            if r.interval_only
            else f"{r.estimate - r.observed:,}",
        )
    out.print(table)
    thin = sum(r.interval_only for r in shown)
    if thin:
        console.print(
            f"{thin} period(s) less than {min_known:.0%} reported so far: the interval only "
            "(a point estimate there would be mostly the model's)",
            markup=False,
        )
    details = ", ".join(f"{k} {v}" for k, v in result.details.items() if k != "corrections")
    console.print(f"{counted}; model: {details}", markup=False)
    fixed = result.details.get("corrections", 0)
    if fixed:
        console.print(
            f"{fixed} report(s) lowered a period's count (corrections): the later count stands",
            markup=False,
        )
