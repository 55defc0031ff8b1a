"""Audit commands: verify the chained event log, and read it by actor, day and action."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from unaccounted.cli.app import app, console, out, session
from unaccounted.present import terminal_safe
from unaccounted.service import audit as service

audit_app = typer.Typer(
    help="The audit log: every change with who made it and when, chained so that an edited, "
    "deleted, reordered or inserted entry shows.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="A head hash kept elsewhere (from an earlier 'audit verify --json'): check "
            "that the log still holds that entry, so a rewritten log shows too.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """Check the audit chain: exit 0 when intact, 1 naming the first bad entry."""
    with session(ctx, read_only=True) as s:
        found = service.verify(s, head)
    if as_json:
        out.print_json(json.dumps(found.as_dict(), ensure_ascii=False))
    if found.ok:
        console.print(found.summary, markup=False)
        return
    console.print(terminal_safe(found.summary), markup=False, soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("log")
def log(
    ctx: typer.Context,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only this actor's entries.", show_default=False)
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only entries from this day (2026-03-01) or moment (2026-03-01T14:00) on, "
            "local time.",
            show_default=False,
        ),
    ] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Only this action (ingest, judge, …).", show_default=False),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most this many (newest first).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """The audit log, newest first: who did what, when, with what arguments and outcome."""
    when = service.parse_since(since) if since is not None else None
    with session(ctx, read_only=True) as s:
        entries = service.log(s, actor=actor, since=when, action=action, limit=limit)
    if as_json:
        rows = [e.as_dict() for e in entries]
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not entries:
        console.print("no audit entries match", markup=False)
        return
    table = Table("entry", "when", "actor", "action", "outcome", "what")
    table.columns[1].no_wrap = True
    for e in entries:
        what = _what(e.args)
        if e.message:
            what = f"{what}: {e.message}" if what else e.message
        cells = (str(e.event_id), f"{e.logged_at:%Y-%m-%d %H:%M:%S}", e.actor, e.action,
                 e.outcome, what if len(what) <= 120 else what[:117] + "...")  # fmt: skip
        table.add_row(*(Text(terminal_safe(c)) for c in cells))
    out.print(table)


def _what(args: object) -> str:
    """An entry's arguments in a few words: ``name=value`` for each one given."""
    if not isinstance(args, dict):
        return "" if args is None else str(args)
    parts = []
    for name, value in args.items():
        if value in (None, False, "", [], {}):
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{name}={shown}")
    return " ".join(parts)
