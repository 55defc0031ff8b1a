"""Workspace commands: init, status, sources, rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from unaccounted.cli.app import app, console, get_context, out
from unaccounted.errors import InputError
from unaccounted.present import terminal_safe
from unaccounted.store import latest_schema_version
from unaccounted.store.strata import set_group
from unaccounted.workspace import Workspace


def open_workspace(ctx: typer.Context) -> Workspace:
    return Workspace.open(get_context(ctx).workspace)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")] = Path("."),
) -> None:
    """Create a workspace: DIR/unaccounted.toml and an empty store."""
    ws = Workspace.init(directory)
    console.print(f"created workspace {ws.root}")
    console.print(f"  settings: {ws.config_path}")
    console.print(f"  store:    {ws.store_path} (schema version {latest_schema_version()})")
    console.print(f"next: cd {directory} && unaccounted ingest FILE.csv", markup=False)


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """Counts of sources, records, rejects and persons in the workspace."""
    ws = open_workspace(ctx)
    with ws.store() as store:
        counts: dict[str, object] = dict(store.counts())
        counts["schema_version"] = store.schema_version()
    counts["workspace"] = str(ws.root)
    if as_json:
        out.print_json(json.dumps(counts, ensure_ascii=False))
        return
    table = Table(title=f"workspace {ws.root}", show_header=False)
    for key, value in counts.items():
        if key != "workspace":
            table.add_row(key.replace("_", " "), str(value))
    out.print(table)


@app.command()
def sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            help="SOURCE=GROUP: put a source in an independence group (repeatable); sources "
            "that copy each other share a group and count as one list.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List the sources with their kind, independence group and counts."""
    changes = [_group_change(g) for g in group or []]
    with open_workspace(ctx).store() as store:
        for source, name in changes:
            old = set_group(store, source, name)
            line = f"{source}: independence group {old} -> {name}"
            console.print(terminal_safe(line), markup=False)
        rows = store.sources()
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("source", "kind", "group", "records", "rejects", "publisher", "url")
    for r in rows:
        cells = ("name", "kind", "independence_group", "records", "rejects", "publisher", "url")
        table.add_row(*(Text(terminal_safe(r[c])) for c in cells))
    out.print(table)


def _group_change(text: str) -> tuple[str, str]:
    source, sep, name = text.rpartition("=")
    if not sep or not source.strip() or not name.strip():
        raise InputError(f"--group {text!r}: expected SOURCE=GROUP")
    return source.strip(), name.strip()


@app.command()
def rejects(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")] = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """List rejected rows with their source, file, line and reason."""
    with open_workspace(ctx).store() as store:
        if source is not None and not store.has_source(source):
            raise InputError(f"no source named '{source}' (see 'unaccounted sources')")
        rows = store.rejects(source, limit)
    if as_json:
        for r in rows:
            r["raw"] = json.loads(r["raw"]) if r["raw"] else None
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not rows:
        console.print("no rejects")
        return
    table = Table("source", "file", "sheet", "line", "reason", "row as found")
    for r in rows:
        raw = r["raw"] or ""
        cells = (r["source"], r["file"], r["sheet"], r["line"], r["reason"],
                 raw if len(raw) <= 80 else raw[:77] + "...")  # fmt: skip
        table.add_row(*(Text(terminal_safe(c)) for c in cells))
    out.print(table)
