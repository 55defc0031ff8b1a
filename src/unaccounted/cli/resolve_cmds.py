"""Commands of the resolve and analyze stages: person views, grades, histories, unit and
region dossiers, unit aliases, the concealment report, and loading a clustering."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from unaccounted.analyze import analyze
from unaccounted.analyze.dossier import region_dossier, unit_dossier
from unaccounted.analyze.run import CONFIRMED_ALIASES, confirmed_aliases
from unaccounted.analyze.tables import BY, missing_to_dead, transitions
from unaccounted.cli.app import app, console, get_context, out
from unaccounted.cli.export_cmds import export_app
from unaccounted.errors import InputError
from unaccounted.files import check_output, open_output
from unaccounted.present import terminal_safe
from unaccounted.report.export import safe_cell
from unaccounted.resolve import all_views, person_view, workspace_rules
from unaccounted.resolve.clusters import read_clusters
from unaccounted.resolve.rules import GRADES, workspace_rules_path
from unaccounted.store.resolve import load_clusters
from unaccounted.workspace import Workspace

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _ws(ctx: typer.Context) -> Workspace:
    return Workspace.open(get_context(ctx).workspace)


def _json(data: Any) -> None:
    out.print(json.dumps(data, ensure_ascii=False, indent=1, default=str), markup=False)


@app.command("load-clusters")
def load_clusters_cmd(
    ctx: typer.Context,
    clusters: Annotated[Path, typer.Argument(help="CSV with source,record_id,person_id.")],
    sources: Annotated[
        Path | None,
        typer.Option("--sources", help="Simulated sources folder: map file slugs to names."),
    ] = None,
) -> None:
    """Store a clustering made elsewhere (e.g. a simulator's truth/records.csv).

    Real runs cluster with 'unaccounted link'."""
    ws = _ws(ctx)
    with ws.store() as store:
        stored = load_clusters(store, read_clusters(clusters, sources), "load-clusters")
    console.print(f"stored {stored:,} record-to-person rows from {clusters}", markup=False)


@app.command("person")
def person_cmd(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="Person id (an old, merged id is followed).")],
    as_json: JsonFlag = False,
) -> None:
    """One person: best values and their rules, grade, status history, every claim, and
    the scored links and id history of the cluster."""
    from unaccounted.link.explain import person_view as cluster_view

    ws = _ws(ctx)
    try:
        linkage: dict[str, Any] | None = cluster_view(ws, person_id)
    except InputError:
        linkage = None  # not a linked person: the person view below says why
    current = linkage["person_id"] if linkage else person_id
    rules = workspace_rules(ws)
    with ws.store(read_only=True) as store:
        view = person_view(store, current, rules)
    d = view.as_dict()
    if linkage:
        d["linkage"] = {k: linkage[k] for k in ("asked", "followed", "records", "links", "history")}
    if as_json:
        _json(d)
        return
    if linkage and linkage["followed"]:
        console.print(terminal_safe(f"{person_id} was merged; following it to {current}"),
                      markup=False)  # fmt: skip
    g = d["grade"]
    # Every line holds values from the sources: shown with control characters escaped.
    show = terminal_safe
    out.print(show(f"{d['person_id']}  {d['name']}  status {d['status']}"), markup=False)
    out.print(
        show(f"grade {g['grade']} (rule {g['rule']}: {g['description']}; "
             f"groups: {', '.join(g['independence_groups']) or 'none'})"),
        markup=False,
    )  # fmt: skip
    out.print("best values:", markup=False)
    for name, b in d["best"].items():
        flag = (
            "  CONFLICT: "
            + " | ".join(f"{x['value']} ({', '.join(x['sources'])})" for x in b["values"])
            if b["conflict"]
            else ""
        )
        out.print(show(f"  {name:<12} {b['shown']}  [{b['rule']}]{flag}"), markup=False)
    for x in d["conflicts"]:
        out.print(show(f"conflict ({x['kind']}): {x['detail']}"), markup=False)
    out.print("history:", markup=False)
    for e in d["history"]:
        out.print(
            show(f"  {e['date'] or 'undated':<10} {e['status']:<14} per {e['source']} "
                 f"({e['kind']}, {e['date_basis'] or 'no date'})"),
            markup=False,
        )  # fmt: skip
    out.print("claims:", markup=False)
    for c in d["claims"]:
        out.print(
            show(f"  {c['source']} / {c['record_id']} [{c['kind']}, group "
                 f"{c['independence_group']}] {c.get('raw_status') or ''} "
                 f"{c.get('url') or ''}"),
            markup=False,
        )  # fmt: skip
    if linkage:
        _print_linkage(linkage)


def _print_linkage(linkage: dict[str, Any]) -> None:
    if linkage["links"]:
        out.print("links that formed the cluster:", markup=False)
        for q in linkage["links"]:
            out.print(
                terminal_safe(f"  p={q['match_probability']:.3f}  {q['source_id_l']}:"
                              f"{q['record_id_l']} — {q['source_id_r']}:{q['record_id_r']}"),
                markup=False,
            )  # fmt: skip
    for h in linkage["history"]:
        out.print(
            f"  event {h['event_id']}: {h['kind']} {h['old_person_id']} → "
            f"{h['new_person_id']} ({h['records']} records): {h['reason']}",
            markup=False,
        )


@export_app.command("persons")
def export_persons(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", help="File to write (.jsonl or .csv).")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
) -> None:
    """Every person view: JSON Lines (whole views) or CSV (best values, grade, status)."""
    ws = _ws(ctx)
    check_output(out_path, force=force)
    rules = workspace_rules(ws)
    n = 0
    with ws.store(read_only=True) as store, open_output(out_path, "w", force=force) as fh:
        if out_path.suffix.lower() == ".csv":
            fields = [
                "person_id",
                "name",
                "grade",
                "rule",
                "outcome",
                "status",
                "birth_date",
                "event_date",
                "unit",
                "region",
                "sources",
            ]
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            for v in all_views(store, rules):
                best = {k: b.shown for k, b in v.best.items()}
                row = {
                    "person_id": v.person_id,
                    "name": v.name,
                    "grade": v.grade.grade,
                    "rule": v.grade.rule,
                    "outcome": v.grade.fate,
                    "status": v.history.current,
                    "birth_date": best.get("birth_date"),
                    "event_date": best.get("event_date"),
                    "unit": best.get("unit"),
                    "region": best.get("region"),
                    "sources": "; ".join(sorted({c.source for c in v.claims})),
                }
                # Names and units come from untrusted sources: cells that a spreadsheet
                # would run as a formula are written as text, as in 'export records'.
                w.writerow({k: safe_cell(value) for k, value in row.items()})
                n += 1
        else:
            for v in all_views(store, rules):
                fh.write(json.dumps(v.as_dict(), ensure_ascii=False, default=str) + "\n")
                n += 1
    console.print(f"wrote {n:,} persons to {out_path}", markup=False)


@app.command()
def grades(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Count persons by corroboration grade and the rule that gave it."""
    ws = _ws(ctx)
    rules = workspace_rules(ws)
    counts: dict[tuple[str, str], int] = {}
    with ws.store(read_only=True) as store:
        for v in all_views(store, rules):
            key = (v.grade.grade, v.grade.rule)
            counts[key] = counts.get(key, 0) + 1
    rows = [
        {"grade": g, "rule": r, "persons": n}
        for (g, r), n in sorted(counts.items(), key=lambda x: (GRADES.index(x[0][0]), x[0][1]))
    ]
    if as_json:
        _json({"rules_file": str(workspace_rules_path(ws)), "grades": rows})
        return
    for row in rows:
        out.print(f"{row['grade']:<11} {row['rule']:<22} {row['persons']:>8,}", markup=False)
    console.print(f"rules: {workspace_rules_path(ws)}", markup=False)


@app.command()
def history(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help="Count transitions per unit, region or period.")
    ] = "unit",
    delays: Annotated[
        bool, typer.Option("--delays", help="Missing-to-dead delay per unit instead.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Status transitions (missing -> killed, …) per unit, region or month, or the
    missing-to-dead delay per unit."""
    if by not in BY:
        raise InputError(f"--by must be one of {', '.join(BY)} (got {by!r})")
    ws = _ws(ctx)
    a = analyze(ws)
    rows = missing_to_dead(a.views, a.units) if delays else transitions(a.views, a.units, by)
    if as_json:
        _json(rows)
        return
    for row in rows:
        out.print("  ".join(f"{k}={v}" for k, v in row.items()), markup=False)


@app.command("concealment")
def concealment_cmd(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    people: Annotated[
        bool, typer.Option("--people", help="List the persons behind each count.")
    ] = False,
) -> None:
    """Rank units whose officially missing are dead by independent sources (most suspicious
    first); units with too little data are listed, not ranked."""
    ws = _ws(ctx)
    report = analyze(ws).concealment(ws)
    if as_json:
        _json([e.as_dict(people=True) for e in report])
        return
    for e in report:
        d = e.as_dict(people=people)
        rank = f"{e.rank:>3}" if e.rank else "  -"
        q = (
            f"q={e.q_value:.2g}{' FLAGGED' if e.flagged else ''}"
            if e.q_value is not None
            else "too little data"
        )
        out.print(
            f"{rank} {e.unit:<16} missing {len(e.officially_missing):>4}  shown dead "
            f"{len(e.shown_dead):>4}  dead before notice {len(e.dead_before_notice):>4}  "
            f"{q}  ({', '.join(e.aliases[:3])})",
            markup=False,
        )
        if people and d.get("people"):
            out.print(f"      shown dead: {', '.join(e.shown_dead)}", markup=False)


@app.command()
def unit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Unit key or spelling.")],
    as_json: JsonFlag = False,
) -> None:
    """A unit's dossier: counts by status, grade, category and month; people; sources; aliases."""
    ws = _ws(ctx)
    d = unit_dossier(analyze(ws), key)
    _json(d) if as_json else _print_dossier(d, f"unit {d['unit']} ({', '.join(d['aliases'][:5])})")


@app.command()
def region(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="ISO 3166-2 code.")],
    as_json: JsonFlag = False,
) -> None:
    """A region's dossier: counts by status, grade, category and month; people; sources."""
    ws = _ws(ctx)
    d = region_dossier(analyze(ws), code)
    _json(d) if as_json else _print_dossier(d, f"region {d['region']}")


def _print_dossier(d: dict[str, Any], title: str) -> None:
    out.print(f"{title}: {d['persons']} persons", markup=False)
    for k in ("by_status", "by_grade", "by_category", "by_month", "sources"):
        out.print(f"  {k}: " + ", ".join(f"{a} {b}" for a, b in d[k].items()), markup=False)
    for p in d["people"]:
        out.print(f"  {p['person_id']}  {p['name']}  {p['status']}  {p['grade']}", markup=False)


@app.command("unit-aliases")
def unit_aliases(
    ctx: typer.Context,
    confirm: Annotated[
        tuple[str, str] | None,
        typer.Option("--confirm", help="Confirm that two unit keys are one unit (KEY KEY)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Unit alias groups inferred from linked persons, with their support; confirm one."""
    ws = _ws(ctx)
    if confirm is not None:
        import yaml

        pairs = [*confirmed_aliases(ws), (confirm[0], confirm[1])]
        (ws.root / CONFIRMED_ALIASES).write_text(
            yaml.safe_dump({"aliases": [list(p) for p in pairs]}, allow_unicode=True), "utf-8"
        )
        console.print(f"confirmed {confirm[0]} = {confirm[1]} in {CONFIRMED_ALIASES}", markup=False)
    a = analyze(ws)
    groups = [g.as_dict() for g in a.units.groups.values() if len(g.keys) > 1]
    if as_json:
        _json(groups)
        return
    for g in groups:
        out.print(
            f"{g['unit']:<16} {' = '.join(g['keys'])}  ({' | '.join(g['aliases'][:5])})",
            markup=False,
        )
