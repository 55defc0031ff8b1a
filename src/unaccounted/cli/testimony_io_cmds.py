"""Accounts in bulk (``testimony import``) and incidents out (``incident export``);
docs/testimonies.md. Registered on the groups of ``testimony_cmds``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from unaccounted.cli.app import ExportProtected, session
from unaccounted.cli.testimony_cmds import _json, _tell, incident_app, testimony_app
from unaccounted.service import testimony_io as service


@testimony_app.command("import")
def testimony_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV or JSON table, or an ODK/Kobo export.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=f"One of {', '.join(service.IMPORT_FORMATS)} (default: from the file).",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="YAML: which field is which column, and defaults."),
    ] = None,
    attachments: Annotated[
        Path | None,
        typer.Option("--attachments", help="The folder of attached files (default: media/ "
                     "beside the file, else the file's folder)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:  # fmt: skip
    """Take in every account of a table or form export, each as 'testimony add' does, all
    or none (editors)."""
    with session(ctx) as s:
        r = service.import_testimonies(s, file, fmt, mapping, attachments)
    if as_json:
        _json(r)
        return
    ids = r["testimonies"]
    span = f" ({ids[0]}..{ids[-1]})" if len(ids) > 1 else f" ({ids[0]})" if ids else ""
    made = f", {len(r['incidents'])} incidents" if r["incidents"] else ""
    _tell(f"imported {len(ids)} testimonies{span}{made} from {file} as {r['format']}")
    if r["skipped"]:
        _tell(f"skipped {len(r['skipped'])} submissions imported before")
    if r["ignored_fields"]:
        _tell(f"fields left out: {', '.join(r['ignored_fields'])}")


@incident_app.command("export")
def incident_export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(service.EXPORT_FORMATS)}.")
    ] = "csv",
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: stdout).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    protected: ExportProtected = False,
    published: Annotated[
        bool,
        typer.Option(
            "--published",
            help="Only the published incidents in their published form (viewers too).",
        ),
    ] = False,
) -> None:  # fmt: skip
    """Every incident as CSV or FollowTheMoney entities (JSON lines; reviewers and up), or
    with --published the published ones only (anyone). Witnesses of testimonies appear by
    their pseudonymous ids only."""
    with session(ctx, read_only=not protected) as s:
        n = service.export_incidents(s, fmt, out_path, protected=protected, force=force,
                                     stream=None if out_path else sys.stdout,
                                     published=published)  # fmt: skip
    what = "incidents" if fmt == "csv" else "entities"
    _tell(f"exported {n} {what}" + (f" to {out_path}" if out_path else ""))
