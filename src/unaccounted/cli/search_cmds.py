"""The search command: find persons by name, in any script and form."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from unaccounted.cli.app import app, console, out, session
from unaccounted.service import search as service


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help="A name in any order, case, script or form; initials allowed.")
    ],
    unit: Annotated[
        str | None, typer.Option(help="Only persons of this unit (any spelling).")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Only persons of this region (name or ISO code).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="Only persons with this status.")] = None,
    born: Annotated[str | None, typer.Option(help="Birth year, or YEAR-YEAR.")] = None,
    grade: Annotated[
        list[str] | None,
        typer.Option(
            help="Only persons of this grade (confirmed, probable, unverified, "
            "contested, rejected); repeat it for several."
        ),
    ] = None,
    died: Annotated[
        str | None,
        typer.Option(
            help="Only persons whose records date their death (or going missing) "
            "in YEAR, YEAR-MM, YEAR-MM-DD, or FROM..TO of those (an end may be open)."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Most persons to show.")] = 10,
    why: Annotated[bool, typer.Option("--why", help="Say why each person matched.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """Find persons by name: «Серёжа Петров», «Петров С.И.», «Сергея Петрова», «Sergej
    Petrow», a typo per word; ranked, each with why it matched."""
    with session(ctx, read_only=True) as s:
        result = service.search(s, query, unit=unit, region=region, status=status, born=born,
                                grade=grade, died=died, limit=limit)  # fmt: skip
    if as_json:
        out.print_json(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
        return
    if not result.hits:
        console.print(f"nobody found for «{result.query}»", markup=False)
        return
    title = f"«{result.query}»: {result.matched:,} persons matched"
    table = Table("#", "person", "name as written", "grade", "status", "unit", "region", "born",
                  "sources", title=title)  # fmt: skip
    for i, h in enumerate(result.hits, 1):
        table.add_row(str(i), h.person_id or f"({h.record[0]}:{h.record[1]})", h.name,
                      h.grade or "", h.status or ", ".join(h.statuses), ", ".join(h.units[:2]),
                      ", ".join(h.regions[:2]), ", ".join(h.birth_years[:2]),
                      str(h.sources))  # fmt: skip
    out.print(table)
    if why:
        for i, h in enumerate(result.hits, 1):
            out.print(f"{i:>2}. {h.person_id or h.record}: " + "; ".join(h.why), markup=False)
    console.print("read as: " + " | ".join(result.readings), markup=False)
