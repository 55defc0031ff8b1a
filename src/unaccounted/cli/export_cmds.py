"""Export commands: write workspace data back out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unaccounted.cli.app import ExportProtected, app, console, progress_bar, session
from unaccounted.service import workspace as service
from unaccounted.service.workspace import EXPORT_FORMATS

export_app = typer.Typer(
    help="Write workspace data out as CSV, Parquet or JSON Lines.", no_args_is_help=True
)
app.add_typer(export_app, name="export")


@export_app.command("records")
def export_records(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(EXPORT_FORMATS)}.")
    ] = "csv",
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file (default: stdout).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Every version, not just the current one.")
    ] = False,
    safe_cells: Annotated[
        bool,
        typer.Option(help="CSV: prefix cells that start with = + - @ with ' (spreadsheet-safe)."),
    ] = True,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    protected: ExportProtected = False,
) -> None:
    """Export records with their source, version, file and line (protected values read
    [protected] unless --protected)."""
    with session(ctx, read_only=not protected) as s, progress_bar("exporting") as update:
        n = service.export_records(s, fmt, out_path, source=source, all_versions=all_versions,
                                   safe_cells=safe_cells, progress=update,
                                   force=force, protected=protected)  # fmt: skip
    console.print(f"exported {n} records" + (f" to {out_path}" if out_path else ""))
