"""The protection key: where it is and what it seals, and its rotation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from unaccounted.cli.app import app, console, out, session
from unaccounted.present import terminal_safe
from unaccounted.service import protection

key_app = typer.Typer(
    help="The protection key: where it is, what it seals, and its rotation "
    "(docs/protection.md). The key itself is never printed.",
    no_args_is_help=True,
)
app.add_typer(key_app, name="key")


@key_app.command("status")
def key_status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """Where the key is looked for, its id, the id the values are sealed with, how many
    values are sealed, and the confidential sources."""
    with session(ctx, read_only=True) as s:
        status = protection.key_status(s)
    if as_json:
        out.print_json(json.dumps(status, ensure_ascii=False))
        return
    found = "found" if status["key_found"] else "not found"
    lines = [
        f"key: {status['key_location']} ({found})",
        f"key id: {status['key_id'] or '-'}",
        f"values sealed with key: {status['sealed_with'] or '- (nothing sealed yet)'}",
        f"sealed values: {status['sealed_values']:,}",
        "confidential sources: " + (", ".join(status["confidential_sources"]) or "none"),
    ]
    if status["problem"]:
        lines.append(f"problem: {status['problem']}")
    for line in lines:
        out.print(terminal_safe(line), markup=False)


@key_app.command("rotate")
def key_rotate(
    ctx: typer.Context,
    new_key_file: Annotated[
        Path | None,
        typer.Option(
            "--new-key-file",
            help="With the key in $UNACCOUNTED_KEY: the file (outside the workspace) to write "
            "the new key to.",
        ),
    ] = None,
) -> None:
    """Seal every protected value again under a new key, in one transaction (admins).
    The old key file is kept as KEY.old-<old id> until you remove it."""
    with session(ctx) as s:
        r = protection.rotate_key(s, new_key_file)
    console.print(
        f"rotated the key {r['from']} -> {r['to']}: {r['values_resealed']:,} values sealed "
        f"again in {r['cells']:,} cells",
        markup=False,
    )
    console.print(terminal_safe(f"new key: {r['key_file']}"), markup=False)
    if r["old_key_file"]:
        console.print(
            terminal_safe(
                f"old key kept as {r['old_key_file']}: back up the new key, then remove it "
                "(it opens the values of older backups of the store)"
            ),
            markup=False,
        )
    else:
        console.print(
            "put the new key where the old one was kept (e.g. the password manager that "
            "fills $UNACCOUNTED_KEY), then remove the file",
            markup=False,
        )
