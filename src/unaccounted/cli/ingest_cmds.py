"""The ingest command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from unaccounted.cli.app import app, console, out, progress_bar, session
from unaccounted.present import terminal_safe
from unaccounted.service import ingest as service
from unaccounted.service.ingest import SOURCE_KINDS, IngestOptions, IngestReport, load_mapping

_REJECT_LABELS = {
    "no_name": "no name",
    "duplicate": "duplicate",
    "conflicting_id": "record_id reused",
    "ragged": "too many cells",
    "invalid_json": "invalid JSON",
    "not_an_object": "not an object",
}


@app.command()
def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="CSV/TSV, XLSX, JSON, JSON Lines, Parquet.")],
    source: Annotated[
        str | None, typer.Option(help="Source name (default: mapping's, else the file name).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help=f"Source kind: {', '.join(SOURCE_KINDS)}.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="YAML mapping: header renames and source attributes.")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX: only this sheet.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: detected).")] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            help="CSV/XLSX: the header's row number, from 1 (default: the first row, or the "
            "second below a one-cell title)."
        ),
    ] = None,
    archive: Annotated[
        bool, typer.Option("--archive", help="Copy the files into the workspace archive.")
    ] = False,
    confidential: Annotated[
        bool,
        typer.Option(
            "--confidential",
            help="Mark the source confidential: every value linkage does not need is sealed "
            "at rest (docs/protection.md); cannot be combined with --archive.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Read source files into the workspace; every row becomes a record or a reject.

    Values of protected columns ([protection] columns, a mapping's 'protected') are sealed
    before they reach the store."""
    s = session(ctx)
    service.check_inputs(files)
    options = IngestOptions(
        source=source,
        kind=kind,
        mapping=load_mapping(mapping) if mapping else None,
        archive=archive,
        sheet=sheet,
        encoding=encoding,
        header_row=header_row,
        confidential=confidential,
    )
    with s, progress_bar("ingesting", in_bytes=True) as on_progress:
        report = service.ingest(s, files, options, on_progress)
    if as_json:
        out.print_json(json.dumps(report_json(report), ensure_ascii=False))
    print_report(report)


def report_json(report: IngestReport) -> dict[str, object]:
    return {
        "event": report.event_id,
        "accepted": report.accepted,
        "rejected": report.rejected,
        "counts": dict(report.totals),
        "files": report.files,
        "kind_changes": [
            {"source": source, "from": before, "to": now}
            for source, before, now in report.kind_changes
        ],
        "parts": [
            {
                "path": p.path,
                "sheet": p.sheet,
                "counts": dict(p.counts),
                "read_as": {header: column for header, column in p.read_as},
            }
            for p in report.parts
        ],
    }


def print_report(report: IngestReport) -> None:
    for part in report.parts:
        c = part.counts
        name = Path(part.path).name + (f" [{part.sheet}]" if part.sheet else "")
        rejected = {k: v for k, v in c.items() if k in _REJECT_LABELS}
        why = ", ".join(f"{v} {_REJECT_LABELS[k]}" for k, v in sorted(rejected.items()))
        line = (
            f"{name}: {c['rows']} rows: {c['new']} new, {c['version']} new versions, "
            f"{c['unchanged']} unchanged; {sum(rejected.values())} rejected"
            + (f" ({why})" if why else "")
        )
        if c["blank"]:
            line += f"; {c['blank']} blank rows skipped"
        console.print(terminal_safe(line), markup=False)  # file and sheet names are data
        if part.read_as:
            read = ", ".join(f"«{header}» as {column}" for header, column in part.read_as)
            console.print(terminal_safe(f"  read {read}"), markup=False)
    for source, before, now in report.kind_changes:
        line = f"source {source}: kind changed from {before} to {now}"
        console.print(terminal_safe(line), markup=False)
    console.print(
        f"accepted {report.accepted}, rejected {report.rejected} (event {report.event_id})",
        markup=False,
    )
    if report.rejected:
        console.print("list the rejects with: unaccounted rejects [--source NAME]", markup=False)
