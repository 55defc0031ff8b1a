"""``unaccounted simulate`` and ``unaccounted evaluate clusters|estimate``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from unaccounted.cli.app import app, console, out
from unaccounted.service import tools as service

evaluate_app = typer.Typer(
    help="Score a method's output against a simulated world's truth.", no_args_is_help=True
)
app.add_typer(evaluate_app, name="evaluate")


@app.command()
def simulate(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write sources/ and truth/ into.")
    ],
    persons: Annotated[
        int, typer.Option("--persons", help="Number of persons in the world.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same bytes.")] = 1,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="YAML merged over the default config (see docs/simulate.md)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the files of an earlier simulation in --out.")
    ] = False,
) -> None:
    """Simulate a war's dead and missing and the noisy sources that report them."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip

        def ticker(total: int) -> Callable[[str], None]:
            task = bar.add_task("simulating", total=total)
            return lambda message: bar.update(task, advance=1, description=message)

        summary = service.simulate(out_dir, persons, seed, config, ticker, force=force)
    console.print(
        f"{summary.persons:,} persons ({summary.dead:,} dead, {summary.dead_unobserved:,} of them "
        f"in no source); {summary.total_records:,} records in {len(summary.records)} sources "
        f"→ {out_dir}/sources, truth in {out_dir}/truth",
        markup=False,
    )


@app.command("simulate-config")
def simulate_config() -> None:
    """Print the default simulate config (YAML) to copy and edit."""
    out.print(service.default_config_text(), markup=False, end="")


def _fmt(value: float) -> str:
    return f"{value:.4f}"


@evaluate_app.command("clusters")
def evaluate_clusters(
    truth: Annotated[Path, typer.Argument(help="CSV with record_id,person_id (and source).")],
    pred: Annotated[Path, typer.Argument(help="CSV with record_id,person_id from a method.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Pairwise and B-cubed precision/recall/F1 and cluster-count error of a linkage."""
    scores = service.evaluate_clusters(truth, pred)
    if as_json:
        out.print(json.dumps(scores.as_dict(), indent=2), markup=False)
        return
    for key, value in scores.as_dict().items():
        text = _fmt(value) if isinstance(value, float) else str(value)
        out.print(f"{key:24} {text}", markup=False)


@evaluate_app.command("estimate")
def evaluate_estimate(
    truth: Annotated[Path, typer.Argument(help="True counts: JSON stratum → count, or CSV.")],
    result: Annotated[Path, typer.Argument(help="JSON printed by `unaccounted estimate --json`.")],
    key: Annotated[
        str | None, typer.Option("--stratum-key", help="Result field naming the stratum.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Whether each estimate's interval covers the true count, and its relative error."""
    checks = service.evaluate_estimate(truth, result, key)
    if as_json:
        data = {"coverage": service.coverage(checks), "checks": [c.as_dict() for c in checks]}
        out.print(json.dumps(data, indent=2), markup=False)
        return
    out.print(
        f"{'stratum':24} {'truth':>10} {'estimate':>10} {'95% interval':>23} covered rel.err",
        markup=False,
    )
    for c in checks:
        interval = f"[{c.lower:,.0f}, {c.upper:,.0f}]"
        out.print(
            f"{c.stratum:24} {c.truth:>10,.0f} {c.estimate:>10,.0f} {interval:>23} "
            f"{'yes' if c.covered else 'NO':>7} {c.relative_error:+.3f}",
            markup=False,
        )
    out.print(f"coverage: {service.coverage(checks):.3f} of {len(checks)} intervals", markup=False)
