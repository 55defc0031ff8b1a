"""The Typer application, its global options, and the one-line error contract."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from unaccounted import __version__
from unaccounted.errors import UnaccountedError
from unaccounted.service import Session
from unaccounted.service.server import check_not_served

app = typer.Typer(
    name="unaccounted",
    help=(
        "Count the dead and missing of a war by name: ingest sources, keep every claim "
        "with its source, and estimate the deaths nobody recorded."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

#: Everything meant for a person goes to stderr; stdout carries data (JSON, CSV) only.
console = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)

WORKSPACE_ENV = "UNACCOUNTED_WORKSPACE"


@dataclass
class Context:
    """Options shared by every command."""

    workspace: Path
    verbose: int = 0
    #: Who acts (``--as``; else ``$UNACCOUNTED_USER``, else the OS login).
    actor: str | None = None


def _version(value: bool) -> None:
    if value:
        out.print(f"unaccounted {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help=f"Workspace folder (default: ${WORKSPACE_ENV}, else the current folder).",
            show_default=False,
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who is acting, as recorded in the event log (default: $UNACCOUNTED_USER, "
            "else your login name).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option("--verbose", "-v", count=True, help="Log progress to stderr (-vv: debug)."),
    ] = 0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    chosen = workspace or Path(os.environ.get(WORKSPACE_ENV) or ".")
    ctx.obj = Context(workspace=chosen, verbose=verbose, actor=actor)
    if verbose:
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(asctime)s %(name)s %(message)s",
            stream=sys.stderr,
        )


def get_context(ctx: typer.Context) -> Context:
    """The shared options of the running command."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


#: ``--protected`` of the exports: protected values in the clear, an audited request.
ExportProtected = Annotated[
    bool,
    typer.Option(
        "--protected",
        help="Write protected values in the clear (editors; an audited export-protected "
        "event). Without it they read [protected].",
    ),
]


def session(ctx: typer.Context, *, read_only: bool = False) -> Session:
    """A service session on the command's workspace, as the command's actor (use ``with``)."""
    c = get_context(ctx)
    # a workspace that 'unaccounted serve' owns is refused in one line naming the server
    check_not_served(c.workspace)
    return Session.open(c.workspace, c.actor, read_only=read_only)


@contextmanager
def progress_bar(label: str, *, in_bytes: bool = False) -> Iterator[Callable[[float, float], None]]:
    """Yield ``update(done, total)``; draw a bar on a terminal, stay silent elsewhere."""
    if not console.is_terminal:
        yield lambda done, total: None
        return
    columns = [TextColumn(label), BarColumn(), TaskProgressColumn(), TimeRemainingColumn()]
    if in_bytes:
        columns.insert(2, DownloadColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    console.print(f"error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


def main() -> None:
    """Console-script entry point: run the app, turning known errors into one line."""
    try:
        app()
    except UnaccountedError as exc:
        console.print(f"error: {exc}", markup=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("interrupted: nothing from this run was stored", markup=False)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
