"""Export commands: write workspace data back out."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from unaccounted.cli.app import app, console, get_context, progress_bar
from unaccounted.errors import InputError
from unaccounted.files import open_output, output_path
from unaccounted.report.export import EXPORT_FORMATS, export_path_check, write_csv, write_jsonl
from unaccounted.workspace import Workspace

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
) -> None:
    """Export records with their source, version, file and line."""
    ws = Workspace.open(get_context(ctx).workspace)
    export_path_check(out_path, fmt, force=force)
    with ws.store() as store:
        if source is not None and not store.has_source(source):
            raise InputError(f"no source named '{source}' (see 'unaccounted sources')")
        if fmt == "parquet":
            assert out_path is not None
            with output_path(out_path, force=force) as tmp:
                n = store.write_records_parquet(tmp, source, all_versions)
        else:
            total = store.count_records(source, all_versions)
            batches = store.record_batches(source, all_versions)
            with progress_bar("exporting") as update:

                def on_rows(done: int) -> None:
                    update(done, total)

                n = _write(batches, fmt, out_path, safe_cells, on_rows, force)
    console.print(f"exported {n} records" + (f" to {out_path}" if out_path else ""))


def _write(
    batches: Any,
    fmt: str,
    out_path: Path | None,
    safe: bool,
    progress: Callable[[int], None],
    force: bool,
) -> int:
    if fmt == "csv":
        if out_path is None:
            n = write_csv(batches, sys.stdout.buffer, safe, progress)
            sys.stdout.buffer.flush()
            return n
        with open_output(out_path, "wb", force=force) as fh:
            return write_csv(batches, fh, safe, progress)
    if out_path is None:
        n = write_jsonl(batches, sys.stdout, progress)
        sys.stdout.flush()
        return n
    with open_output(out_path, "w", force=force) as fh:
        return write_jsonl(batches, fh, progress)
