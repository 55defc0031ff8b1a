"""The report command: the static HTML report of a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unaccounted.cli.app import app, console, out, session
from unaccounted.service import tools as service
from unaccounted.service.tools import DEFAULT_TITLE


@app.command()
def report(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    title: Annotated[
        str, typer.Option("--title", help="Title shown on every page of the report.")
    ] = DEFAULT_TITLE,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the report's pages: en or ru.")
    ] = "en",
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace files in --out that no earlier report wrote."),
    ] = False,
) -> None:
    """Write the static HTML report (overview, units, regions, concealment) into a folder,
    in English or Russian (--lang ru).

    Open index.html in any browser; it needs no network."""
    with (
        session(ctx, read_only=True) as s,
        console.status("analyzing the workspace and writing the report"),
    ):
        index = service.report(s, out_dir, title=title, force=force, lang=lang)
    console.print(f"wrote the report to {index.parent}", markup=False)
    out.print(str(index), markup=False)
