"""The demo command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unaccounted.cli.app import app, console, out
from unaccounted.service import tools as service


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder for the demo (cleared on every run).")
    ] = Path("demo-workspace"),
    persons: Annotated[
        int, typer.Option(help="Persons in the simulated world.")
    ] = service.DEMO_PERSONS,
    seed: Annotated[int, typer.Option(help="Seed of the simulated world.")] = service.DEMO_SEED,
) -> None:
    """Simulate a world, build a workspace from its sources, and run every stage on it."""
    run = service.demo(directory, persons, seed, lambda line: console.print(line, markup=False))
    counts, sources = run["counts"], run["sources"]
    table = Table("source", "kind", "group", "records", "rejects", title="sources")
    for s in sources:
        table.add_row(
            s["name"], s["kind"], s["independence_group"], str(s["records"]), str(s["rejects"])
        )
    out.print(table)
    ws, simulated = run["workspace"], run["simulated"]
    out.print(
        f"workspace: {ws}\n"
        f"  {counts['sources']} sources, {counts['records']:,} records, "
        f"{counts['rejects']:,} rejects, {counts['persons']:,} persons\n"
        f"simulated truth (what a method should recover): {simulated / 'truth'}\n"
        f"try:\n"
        f"  unaccounted -w {ws} status\n"
        f"  unaccounted -w {ws} sources\n"
        f"  unaccounted -w {ws} rejects\n"
        f"  unaccounted -w {ws} export records --format csv --out records.csv\n"
        f"  unaccounted -w {ws} grades\n"
        f"  unaccounted -w {ws} concealment\n"
        f"  unaccounted -w {ws} person P-000001\n"
        f"  unaccounted estimate {simulated / 'truth' / 'histories.csv'} --method loglinear",
        markup=False,
    )
    if "report" in run["facts"]:
        out.print(f"HTML report (open it in a browser): {run['facts']['report']}", markup=False)
    out.print(f"serve it in a browser: unaccounted -w {ws} serve", markup=False)
