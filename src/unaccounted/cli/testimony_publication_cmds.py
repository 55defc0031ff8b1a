"""Publication of accounts and incidents (docs/testimonies.md, "Publication"): clearing a
name for publication in a testimony, and marking an incident published. Registered on the
groups of ``testimony_cmds``."""

from __future__ import annotations

from typing import Annotated

import typer

from unaccounted.cli.app import session
from unaccounted.cli.testimony_cmds import (
    JsonOption,
    _json,
    _say,
    _tell,
    incident_app,
    testimony_app,
)
from unaccounted.service import testimony_publication as service

WithdrawOption = Annotated[bool, typer.Option("--withdraw", help="Undo it.")]


@testimony_app.command("clear")
def testimony_clear(
    ctx: typer.Context,
    testimony: str,
    name: Annotated[str, typer.Argument(help="The name, in any order and case («Сомов Пётр»).")],
    withdraw: WithdrawOption = False,
) -> None:
    """Clear a name for publication in a testimony's published form, or withdraw the
    clearance (editors; audited)."""
    with session(ctx) as s:
        if withdraw:
            service.withhold_name(s, testimony, name)
            _tell(f"'{name}' is withheld again in {testimony.strip()}")
            return
        added = service.clear_name(s, testimony, name)
    _tell(f"'{name}' is cleared in {testimony.strip()}" + ("" if added else " (already)"))


@testimony_app.command("cleared")
def testimony_cleared(ctx: typer.Context, testimony: str, as_json: JsonOption = False) -> None:
    """The names cleared for publication in a testimony (reviewers and up)."""
    with session(ctx, read_only=True) as s:
        rows = service.cleared_names(s, testimony)
    if as_json:
        _json(rows)
        return
    for r in rows:
        _say(f"{r['name']}  (by {r['cleared_by']} at {r['cleared_at']})")
    if not rows:
        _tell(f"no names cleared in {testimony.strip()}")


@incident_app.command("publish")
def incident_publish(ctx: typer.Context, incident: str, withdraw: WithdrawOption = False) -> None:
    """Mark an incident published (its published form is then shown to viewers and in
    'incident export --published'), or withdraw it (editors; audited)."""
    with session(ctx) as s:
        was = service.publish_incident(s, incident, not withdraw)
    now = "not published" if withdraw else "published"
    _tell(f"incident {incident.strip()} is {now}" + (" (already)" if was != withdraw else ""))
