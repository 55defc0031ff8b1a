"""The normalize and explain-record commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from unaccounted.cli.app import app, console, out, progress_bar, session
from unaccounted.present import terminal_safe
from unaccounted.service import link as service

#: Values not understood shown per field (``--json`` lists up to 100).
_SHOWN = 3


@app.command()
def normalize(
    ctx: typer.Context,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Normalize every record again, not only new ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fill the normalized fields (name parts, keys, date intervals, unit, region) of records
    that lack them for the current normalizer and language pack."""
    with session(ctx) as s, progress_bar("normalizing") as on_progress:
        report = service.normalize(s, on_progress, rebuild=rebuild)
    summary = {
        "event": report.event_id,
        "norm_version": report.norm_version,
        "records": report.records,
        "normalized": report.normalized,
        "seconds": round(report.seconds, 2),
        "not_understood": report.not_understood,
        "date_orders": report.date_orders,
        "name_hints": report.name_hints,
        "not_understood_values": report.not_understood_values,
    }
    if as_json:
        out.print_json(json.dumps(summary, ensure_ascii=False))
    rate = report.normalized / report.seconds if report.seconds else 0.0
    console.print(
        f"normalized {report.normalized} of {report.records} records in {report.seconds:.1f} s"
        f" ({rate:,.0f}/s; {report.norm_version}, event {report.event_id})",
        markup=False,
    )
    missed = {k: v for k, v in report.not_understood.items() if v}
    if missed:
        listed = ", ".join(f"{v} {k}" for k, v in sorted(missed.items()))
        console.print(f"values not understood (kept raw, fields left empty): {listed}",
                      markup=False)  # fmt: skip
    for column, values in sorted(report.not_understood_values.items()):
        top = ", ".join(
            f"«{v['value']}» ×{v['count']} (e.g. {v['example']['source']} "
            f"{v['example']['record_id']})"
            for v in values[:_SHOWN]
        )
        more = f", and {len(values) - _SHOWN} more" if len(values) > _SHOWN else ""
        console.print(terminal_safe(f"  {column}: {top}{more}"), markup=False)  # values are data


@app.command("explain-record")
def explain_record_cmd(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Source name.")],
    record_id: Annotated[str, typer.Argument(help="Record id within the source.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one record raw → normalized, field by field, with the rule that decided each."""
    with session(ctx, read_only=True) as s:
        result = service.explain_record(s, source, record_id)
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    state = "" if result["stored"] else ", not yet normalized"
    out.print(
        terminal_safe(f"{result['source']} / {result['record_id']} (version {result['version']}, "
                      f"{result['norm_version']}{state})"),
        markup=False,
    )  # fmt: skip
    last_raw: object = object()
    for f in result["fields"]:
        if f["value"] is None and f["raw"] in (None, ""):
            continue
        raw = f["raw"]
        shown = "" if raw == last_raw else f"  «{raw}»" if raw is not None else ""
        last_raw = raw
        if shown:
            out.print(terminal_safe(shown), markup=False)
        value = json.dumps(f["value"], ensure_ascii=False)
        out.print(terminal_safe(f"    {f['field']:<22} {value:<36} {f['rule']}"), markup=False)
