"""``unaccounted estimate``: multiple systems estimation on a capture-history table, or on
the linked workspace by stratum with linkage error carried through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unaccounted.cli.app import app, console, fail, get_context, out
from unaccounted.errors import WorkspaceError
from unaccounted.service import estimates as service
from unaccounted.service.estimates import (
    BY,
    METHODS,
    POOLED,
    SEARCHES,
    WHOLE,
    Estimate,
    EstimateRefused,
    LCMCRSettings,
    LoglinearSettings,
    MethodChoice,
    Row,
    StrataResult,
    StratumEstimate,
    compare,
    estimate,
    read_histories,
)


@app.command("estimate")
def estimate_cmd(
    ctx: typer.Context,
    histories: Annotated[
        Path | None,
        typer.Argument(
            help="Capture-history CSV: one 0/1 column per list (in_<list> or the name), and count.",
            show_default=False,
        ),
    ] = None,
    method: Annotated[str, typer.Option(help=f"One of: {', '.join(METHODS)}.")] = "loglinear",
    seed: Annotated[int, typer.Option(help="Seed for the bootstrap and the sampler.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
    do_compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="Run every applicable method, search, heterogeneity model (Mth) and dga prior "
            "side by side.",
        ),
    ] = False,
    search: Annotated[
        str, typer.Option(help=f"Log-linear model search: {', '.join(SEARCHES)}.")
    ] = "downhill",
    model: Annotated[
        str | None,
        typer.Option(
            help="A fixed log-linear model instead of a search, e.g. 'A:B + C'. With the "
            "workspace: pooled (one model over all strata, the default), pairs, downhill or a "
            "fixed model per stratum."
        ),
    ] = None,
    max_order: Annotated[
        int | None,
        typer.Option(help="Highest interaction order searched (default k-1; stepwise 2)."),
    ] = None,
    threshold: Annotated[float, typer.Option(help="Stepwise p-value threshold.")] = 0.02,
    nboot: Annotated[
        int, typer.Option(help="Bootstrap resamples for a searched log-linear model (0: none).")
    ] = 500,
    classes: Annotated[
        int | None, typer.Option(help="LCMCR: latent classes K (default min(2^lists - 1, 15)).")
    ] = None,
    chains: Annotated[int | None, typer.Option(help="LCMCR: number of chains (4).")] = None,
    iterations: Annotated[
        int | None, typer.Option(help="LCMCR: iterations per chain (200,000).")
    ] = None,
    burn_in: Annotated[
        int | None, typer.Option(help="LCMCR: iterations discarded per chain (20,000).")
    ] = None,
    thin: Annotated[int | None, typer.Option(help="LCMCR: keep every n-th draw (20).")] = None,
    accept_unconverged: Annotated[
        bool,
        typer.Option(
            "--accept-unconverged",
            help="LCMCR: print the figures of chains that failed the convergence check "
            "(R-hat <= 1.01, ESS > 400), with a warning, instead of exiting with code 1.",
        ),
    ] = False,
    delta: Annotated[
        float | None, typer.Option(help="dga: hyper-Dirichlet prior count per cell (default 2^-k).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            help=f"Workspace only: estimate per stratum, one of {', '.join(BY)} "
            "(without it: the workspace as one stratum)."
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            help="Workspace only: clusterings drawn from the match probabilities to carry "
            "linkage error (0: the current persons only)."
        ),
    ] = 20,
    include_missing: Annotated[
        bool,
        typer.Option(
            "--include-missing", help="Workspace only: count persons stated dead or missing."
        ),
    ] = False,
    impute: Annotated[
        bool,
        typer.Option(
            "--impute/--no-impute",
            help="Workspace only: place persons whose records state no stratum in one, drawn "
            "afresh in every run (--no-impute: keep them as the stratum '(unknown)').",
        ),
    ] = True,
    dead_among_missing: Annotated[
        bool,
        typer.Option(
            "--dead-among-missing",
            help="Workspace only: add to each stratum the expected dead among persons stated "
            "missing and by no record dead that its unseen part does not already hold (see "
            "'unaccounted dead-among-missing').",
        ),
    ] = False,
    reporting_delay: Annotated[
        bool,
        typer.Option(
            "--reporting-delay",
            help="Workspace, --by period only: scale each recent quarter up by the nowcast's "
            "factor of documented deaths not reported yet (see 'unaccounted nowcast "
            "--from-workspace').",
        ),
    ] = False,
) -> None:
    """Estimate how many people no list recorded (multiple systems estimation).

    With HISTORIES.csv: one estimate of that table. Without it: the linked workspace's
    persons by independence group, per stratum (--by), with a total.
    """
    if method not in METHODS:
        raise fail(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if histories is None:
        lc = _lcmcr_settings(seed, accept_unconverged, classes=classes, chains=chains,
                             iterations=iterations, burn_in=burn_in, thin=thin)  # fmt: skip
        choice = MethodChoice(method=method, model=model or POOLED, seed=seed, lcmcr=lc)
        _workspace_estimate(ctx, by, choice, draws, include_missing, impute, as_json,
                            dead_among_missing, reporting_delay)  # fmt: skip
        return
    if by is not None:
        raise fail("--by estimates the workspace; leave out the HISTORIES.csv argument")
    for flag, given in (("--dead-among-missing", dead_among_missing),
                        ("--reporting-delay", reporting_delay)):  # fmt: skip
        if given:
            raise fail(f"{flag} estimates the workspace; leave out the HISTORIES.csv argument")
    if search not in SEARCHES:
        raise fail(f"unknown search {search!r}; choose one of {', '.join(SEARCHES)}")
    hist = read_histories(histories)
    if do_compare:
        with console.status("comparing methods") as status:
            rows = compare(hist, seed=seed, nboot=min(nboot, 200), progress=status.update)
        if as_json:
            out.print_json(
                json.dumps(
                    [
                        {"label": r.label, "refused": r.refused or None}
                        | (r.result.to_dict() if r.result else {})
                        for r in rows
                    ]
                )
            )
        else:
            _compare_table(rows, hist.observed)
        return
    ll = LoglinearSettings(
        search=search, model=model, max_order=max_order, threshold=threshold, nboot=nboot, seed=seed
    )
    lc = _lcmcr_settings(seed, accept_unconverged, classes=classes, chains=chains,
                         iterations=iterations, burn_in=burn_in, thin=thin)  # fmt: skip
    try:
        with console.status(f"estimating ({method})") as status:

            def progress(done: int, total: int) -> None:
                status.update(f"bootstrap {done}/{total}")

            result = estimate(
                hist,
                method,
                seed=seed,
                loglinear=ll,
                lcmcr_settings=lc,
                delta=delta,
                progress=progress,
            )
    except EstimateRefused as exc:
        diagnostics = getattr(exc, "diagnostics", None)  # chains that did not converge
        if isinstance(diagnostics, dict):
            _unconverged(str(exc), diagnostics, as_json)
        raise fail(f"estimate refused: {exc}", code=1) from None
    except ValueError as exc:
        raise fail(str(exc)) from None
    if as_json:
        out.print_json(json.dumps(result.to_dict()))
    else:
        _result_table(result)


def _lcmcr_settings(seed: int, accept_unconverged: bool, **given: int | None) -> LCMCRSettings:
    """LCMCR settings: the options given on the command line, the defaults for the rest."""
    chosen = {k: v for k, v in given.items() if v is not None}
    return LCMCRSettings(seed=seed, accept_unconverged=accept_unconverged, **chosen)  # type: ignore[arg-type]


def _unconverged(reason: str, diagnostics: dict[str, object], as_json: bool) -> None:
    """The diagnostics of chains that did not converge, without any point estimate."""
    if as_json:
        out.print_json(json.dumps({"refused": reason, "diagnostics": diagnostics}))
        return
    table = Table(title="LCMCR did not converge: no estimate", show_header=False)
    for key, value in diagnostics.items():
        if not key.startswith(("posterior", "mcse")):
            table.add_row(key, str(value))
    console.print(table)


def _workspace_estimate(
    ctx: typer.Context,
    by: str | None,
    choice: MethodChoice,
    draws: int,
    include_missing: bool,
    impute: bool,
    as_json: bool,
    dead_among_missing: bool = False,
    reporting_delay: bool = False,
) -> None:
    c = get_context(ctx)
    try:
        s = service.open_for_estimate(c.workspace, c.actor)
    except WorkspaceError as exc:
        raise fail(str(exc)) from None
    with s, console.status(f"estimating by {by or 'workspace'} ({draws} draws)"):
        result = service.workspace_estimate(
            s, by, choice, draws, include_missing, impute, dead_among_missing, reporting_delay
        )
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _strata_table(result)


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _result_table(r: Estimate) -> None:
    d = r.to_dict()
    table = Table(title=f"Multiple systems estimate ({r.method})", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("observed", f"{r.observed:,}")
    table.add_row("estimate", _fmt(d["estimate"]))
    table.add_row("95% interval", f"{_fmt(d['lower'])} – {_fmt(d['upper'])}")
    table.add_row("unseen", _fmt(d["estimate"] - r.observed if d["estimate"] is not None else None))
    table.add_row("model", r.model)
    table.add_row("interval", r.interval)
    for key, value in d["diagnostics"].items():
        table.add_row(key, str(value))
    out.print(table)
    for w in r.warnings:
        console.print(f"warning: {w}", markup=False)


def _compare_table(rows: list[Row], observed: int) -> None:
    table = Table(title=f"Sensitivity: {observed:,} observed")
    for col in ("method", "model", "estimate", "95% interval", "notes"):
        table.add_column(col)
    for row in rows:
        if row.result is None:
            table.add_row(row.label, "—", "refused", "", row.refused)
            continue
        d = row.result.to_dict()
        table.add_row(
            row.label,
            row.result.model,
            _fmt(d["estimate"]),
            f"{_fmt(d['lower'])} – {_fmt(d['upper'])}",
            "; ".join(row.result.warnings),
        )
    out.print(table)


def _strata_table(result: StrataResult) -> None:
    what = "in the workspace" if result.by == WHOLE else f"by {result.by}"
    title = f"Estimated dead {what} ({result.method}; lists: {', '.join(result.lists)})"
    table = Table(title=title)
    for col in ("stratum", "documented", "estimate", "95% interval", "from linkage", "note"):
        table.add_column(col, justify="left" if col in ("stratum", "note") else "right")
    rows = result.strata if result.by == WHOLE else [*result.strata, result.total]
    for s in rows:
        table.add_row(*_stratum_cells(s), end_section=s is result.strata[-1])
    out.print(table)
    console.print(f"interval: {result.combination}", markup=False)
    warned = sum(1 for s in result.strata if s.warnings)
    if warned:
        console.print(f"{warned} strata carry warnings about their models (see --json)")
    for w in result.total.warnings:
        console.print(f"warning: {w}", markup=False)


def _stratum_cells(s: StratumEstimate) -> tuple[str, ...]:
    if s.placed:
        return s.stratum, f"{s.documented:,}", "", "", "", s.reason or ""
    if not s.estimable:
        return s.stratum, f"{s.documented:,}", "not estimable", "", "", s.reason or ""
    share = "" if s.linkage_width_share is None else f"{s.linkage_width_share:.0%}"
    note = "*" if s.warnings else ""
    if s.imputed:
        note = f"{note} {s.imputed:.1f} placed".strip()
    if s.dead_among_missing is not None:
        step = s.dead_among_missing
        added = step["expected"] if step["added"] is None else step["added"]
        note = f"{note} +{added:,.1f} of {step['expected']:,.1f} dead among missing".strip()
    if s.reporting_delay is not None:
        delay = s.reporting_delay
        grew = f"×{delay['factor']:.2f}" if "factor" in delay else f"+{delay['added']:,.1f}"
        note = f"{note} {grew} not reported yet".strip()
    return (
        s.stratum,
        f"{s.documented:,}",
        _fmt(s.estimate),
        f"{_fmt(s.lower)} – {_fmt(s.upper)}",
        share,
        note,
    )
