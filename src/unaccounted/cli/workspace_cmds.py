"""Workspace commands: init, status, doctor, sources, rejects, events, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from unaccounted.cli.app import app, console, out, session
from unaccounted.errors import InputError
from unaccounted.present import terminal_safe
from unaccounted.service import protection, shared
from unaccounted.service import workspace as service


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")] = Path("."),
) -> None:
    """Create a workspace: DIR/unaccounted.toml and an empty store."""
    ws = service.init_workspace(directory)
    console.print(f"created workspace {ws.root}")
    console.print(f"  settings: {ws.config_path}")
    console.print(f"  store:    {ws.store_path} (schema version {service.latest_schema_version()})")
    console.print(f"next: cd {directory} && unaccounted ingest FILE.csv", markup=False)


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """Counts of sources, records, rejects and persons in the workspace."""
    with session(ctx, read_only=True) as s:
        counts = service.status(s)
    if as_json:
        out.print_json(json.dumps(counts, ensure_ascii=False))
        return
    table = Table(title=f"workspace {counts['workspace']}", show_header=False)
    for key, value in counts.items():
        if key != "workspace":
            table.add_row(key.replace("_", " "), str(value))
    out.print(table)


@app.command()
def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """Check the whole store: every table readable, records, sources and clusters agreeing,
    the schema version matching this unaccounted. Exits 1 if a check fails."""
    with session(ctx, read_only=True) as s:
        findings = service.doctor(s)
    if as_json:
        out.print_json(json.dumps(findings, ensure_ascii=False))
    else:
        for f in findings:
            mark = "ok    " if f["ok"] else "FAILED"
            out.print(terminal_safe(f"{mark} {f['check']}: {f['detail']}"), markup=False)
    failed = sum(not f["ok"] for f in findings)
    if failed:
        console.print(f"{failed} of {len(findings)} checks failed", markup=False)
        raise typer.Exit(1)
    console.print(f"all {len(findings)} checks passed", markup=False)


sources_app = typer.Typer(
    help="List the sources with their kind, independence group and counts.",
    invoke_without_command=True,
)
app.add_typer(sources_app, name="sources")


@sources_app.callback(invoke_without_command=True)
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
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="SOURCE=KIND: give a source its kind (repeatable), e.g. one source of a file "
            "split by a source column.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List the sources with their kind, independence group and counts; 'sources
    confidential NAME' marks a source confidential."""
    if ctx.invoked_subcommand is not None:
        return
    changes = [_change("--group", "GROUP", g) for g in group or []]
    kinds = [_change("--kind", "KIND", k) for k in kind or []]
    with session(ctx, read_only=not (changes or kinds)) as s:
        for source, name in changes:
            old = service.set_source_group(s, source, name)
            line = f"{source}: independence group {old} -> {name}"
            console.print(terminal_safe(line), markup=False)
        for source, name in kinds:
            old, new = service.set_source_kind(s, source, name)
            line = f"{source}: kind {old} -> {new}"
            console.print(terminal_safe(line), markup=False)
        rows = service.sources(s)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("source", "kind", "group", "records", "rejects", "publisher", "url")
    for r in rows:
        cells = ("name", "kind", "independence_group", "records", "rejects", "publisher", "url")
        name = str(r["name"]) + (" (confidential)" if r.get("confidential") else "")
        table.add_row(*(Text(terminal_safe(name if c == "name" else r[c])) for c in cells))
    out.print(table)


@sources_app.command("confidential")
def sources_confidential(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source.")],
    off: Annotated[
        bool,
        typer.Option("--off", help="Unmark it: later ingests seal only protected columns."),
    ] = False,
) -> None:
    """Mark a source confidential: every value of it that linkage does not need (every
    version, every reject) is sealed now, in one transaction (docs/protection.md)."""
    with session(ctx) as s:
        result = protection.set_source_confidential(s, name, not off)
    state = "confidential" if result["confidential"] else "not confidential"
    line = f"{name}: {state}"
    if result["sealed"]:
        line += f"; {result['sealed']:,} values sealed"
    if off:
        line += "; values sealed before stay sealed"
    console.print(terminal_safe(line), markup=False)


def _change(option: str, what: str, text: str) -> tuple[str, str]:
    source, sep, name = text.rpartition("=")
    if not sep or not source.strip() or not name.strip():
        raise InputError(f"{option} {text!r}: expected SOURCE={what}")
    return source.strip(), name.strip()


@app.command()
def rejects(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")] = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """List rejected rows with their source, file, line and reason."""
    with session(ctx, read_only=True) as s:
        rows = service.rejects(s, source, limit)
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


@app.command()
def events(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """The event log, newest first: who did what, when, and with what outcome."""
    with session(ctx, read_only=True) as s:
        rows = service.events(s, limit)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("event", "when", "actor", "command", "outcome", "message")
    for r in rows:
        table.add_row(
            str(r["event_id"]),
            f"{r['logged_at']:%Y-%m-%d %H:%M:%S}",
            r["actor"],
            r["command"],
            r["outcome"],
            r["message"] or "",
        )
    out.print(table)


@app.command("files")
def shared_files(
    ctx: typer.Context,
    sync: Annotated[
        bool,
        typer.Option("--sync", help="Store the workspace copies that changed, as new versions."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """The files a team shares (grading rules, unit aliases, language-pack additions): the
    version the store holds, who stored it, and whether the workspace copy changed since."""
    with session(ctx, read_only=not sync) as s:
        if sync:
            for name in shared.sync_shared_files(s):
                console.print(f"stored a new version of {name}", markup=False)
        rows = shared.shared_files(s)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("file", "version", "stored by", "stored at", "workspace copy")
    for r in rows:
        when = f"{r['stored_at']:%Y-%m-%d %H:%M}" if r["stored_at"] else ""
        table.add_row(r["name"], str(r["version"] or ""), r["actor"] or "", when,
                      r["workspace_copy"])  # fmt: skip
    out.print(table)
