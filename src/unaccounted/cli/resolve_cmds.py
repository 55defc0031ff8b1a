"""Commands of the resolve and analyze stages: person views, grades, histories, unit and
region dossiers, unit aliases, the concealment report, and loading a clustering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from unaccounted.cli.app import ExportProtected, app, console, out, session
from unaccounted.cli.export_cmds import export_app
from unaccounted.present import terminal_safe
from unaccounted.service import estimates as estimates_service
from unaccounted.service import persons as service
from unaccounted.service.persons import UNIT_ALIASES

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


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
    with session(ctx) as s:
        stored = service.load_clusters(s, service.read_clusters(clusters, sources), clusters.name)
    console.print(f"stored {stored:,} record-to-person rows from {clusters}", markup=False)


@app.command("person")
def person_cmd(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="Person id (an old, merged id is followed).")],
    as_json: JsonFlag = False,
    protected: Annotated[
        bool,
        typer.Option(
            "--protected",
            help="Show protected values (roles that may see them; an audited view-protected "
            "event). Without it they read [protected].",
        ),
    ] = False,
) -> None:
    """One person: best values and their rules, grade, status history, every claim, and
    the scored links and id history of the cluster."""
    with session(ctx, read_only=not protected) as s:
        d = service.person(s, person_id, protected=protected)
    if as_json:
        _json(d)
        return
    linkage = d.get("linkage")
    if linkage and linkage["followed"]:
        console.print(terminal_safe(f"{person_id} was merged; following it to {d['person_id']}"),
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
                 f"({e['kind']}, {e['date_basis'] or 'no date'})"
                 + (f" — {e['superseded']}" if e.get("superseded") else "")),
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
    protected: ExportProtected = False,
) -> None:
    """Every person view: JSON Lines (whole views) or CSV (best values, grade, status)."""
    with session(ctx, read_only=not protected) as s:
        n = service.export_persons(s, out_path, force=force, protected=protected)
    console.print(f"wrote {n:,} persons to {out_path}", markup=False)


@app.command()
def grades(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Count persons by corroboration grade and the rule that gave it."""
    with session(ctx, read_only=True) as s:
        result = service.grades(s)
    if as_json:
        _json(result)
        return
    for row in result["grades"]:
        out.print(f"{row['grade']:<11} {row['rule']:<22} {row['persons']:>8,}", markup=False)
    console.print(f"rules: {result['rules_file']}", markup=False)


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
    with session(ctx, read_only=True) as s:
        rows = service.history(s, by, delays)
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
    first) by the combined model: the ratio of their missing notices and hidden deaths to
    their peers', with a 95% interval, and its q-value; units with too little data are
    listed, not ranked."""
    with session(ctx, read_only=True) as s:
        report = service.concealment(s)
    if report.message is not None:
        if as_json:
            _json({"message": report.message, "units": []})
        else:
            out.print(terminal_safe(report.message), markup=False, soft_wrap=True)
        return
    if as_json:
        _json([e.as_dict(people=True) for e in report])
        return
    for e in report:
        d = e.as_dict(people=people)
        rank = f"{e.rank:>3}" if e.rank else "  -"
        m = e.model
        q = (
            f"ratio {m.ratio:.2f} [{m.interval[0]:.2f}-{m.interval[1]:.2f}] "
            f"(K {m.observed}/E {m.expected:.1f}) q={m.q_value:.2g}"
            f"{' FLAGGED' if e.flagged else ''}"
            if m is not None
            else f"too little data{' FLAGGED' if e.flagged else ''}"
        )
        share = e.missing_share_interval
        said = (
            f"{e.missing_share:.0%} [{share[0]:.0%}-{share[1]:.0%}]"
            if share and e.missing_share is not None
            else "-"
        )
        out.print(
            f"{rank} {e.unit:<16} notices {len(e.official_casualties):>4}  missing "
            f"{len(e.officially_missing):>4} ({said})  shown dead {len(e.shown_dead):>4}  "
            f"dead before notice {len(e.dead_before_notice):>4}  {q}  ({', '.join(e.aliases[:3])})",
            markup=False,
        )
        if e.more:
            out.print(f"      signals 2-4: {_more_line(e.more)}", markup=False)
        if e.falsified_mia_reports:
            out.print(f"      signal 6: {_signal_6_line(e.falsified_mia_reports)}", markup=False)
        if people and d.get("people"):
            out.print(f"      shown dead: {', '.join(e.shown_dead)}", markup=False)
            for label, found in _more_people(e.more):
                out.print(f"      {label}: {', '.join(found)}", markup=False)


@app.command("dead-among-missing")
def dead_among_missing_cmd(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option(help="Group the officially missing by unit, period or region.")
    ] = "unit",
    seed: Annotated[int, typer.Option(help="Seed of the model's draws.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Estimate how many of each unit's (period's, region's) officially missing persons are
    dead, with 95% intervals: independent evidence, time since the notice, comparable
    units pooled, returns from captivity (see docs/resolve.md)."""
    with session(ctx, read_only=True) as s:
        got = estimates_service.dead_among_missing(s, by, seed)
    if as_json:
        _json(got.to_dict())
        return
    if not got.groups:
        out.print("no person is officially missing in the workspace", markup=False)
    for g in got.groups:
        lo, hi = g.lower, g.upper
        out.print(
            f"{g.name:<16} missing {g.officially_missing:>4}  shown dead {g.shown_dead:>4}  "
            f"returned {g.returned:>3}  dead among missing {g.estimate:7.1f} "
            f"[{lo:.0f}-{hi:.0f}]" + (f"  pool: {g.pool}" if g.pool else ""),
            markup=False,
        )


def _more_line(more: dict[str, Any]) -> str:
    """Signals 2-4 of a unit in one line."""
    s2, s3, s4 = more["signal_2"], more["signal_3"], more["signal_4"]
    two, delay = s2["shown_dead_by_two_or_more_sources"], s2["days_notice_to_first_death_report"]
    median = "-" if delay["median"] is None else f"{delay['median']:g}"
    if delay["interval_95"] is not None:
        median += f" [{delay['interval_95'][0]}-{delay['interval_95'][1]}]"
    court, back = s4["court_declared_dead"], s4["returned_from_captivity"]
    return (
        f"shown dead by 2+ sources {two['count']}/{two['of']}; days notice to first death "
        f"report median {median} ({delay['persons']} persons); dead with no official notice "
        f"{s3['no_official_notice']['count']}; published before the notice "
        f"{s3['published_before_official_notice']['count']}; court-declared dead "
        f"{court['count']}/{court['of']}; returned from captivity {back['count']}/{back['of']}"
    )


def _signal_6_line(reports: list[tuple[str, str]]) -> str:
    """Signal 6 of a unit in one line: its falsified missing-in-action reports."""
    confirmed = sum(1 for _, grade in reports if grade == "confirmed")
    listed = ", ".join(f"{i} {grade}" for i, grade in reports)
    return f"falsified missing-in-action reports {len(reports)} ({confirmed} confirmed): {listed}"


def _more_people(more: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The persons behind signals 2-4 that have any, labelled."""
    if not more:
        return []
    parts = [
        ("shown dead by 2+ sources", more["signal_2"]["shown_dead_by_two_or_more_sources"]),
        ("dead with no official notice", more["signal_3"]["no_official_notice"]),
        ("published before the notice", more["signal_3"]["published_before_official_notice"]),
        ("court-declared dead", more["signal_4"]["court_declared_dead"]),
        ("returned from captivity", more["signal_4"]["returned_from_captivity"]),
    ]
    return [(label, c["people"]) for label, c in parts if c["people"]]


@app.command()
def unit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Unit key or spelling.")],
    as_json: JsonFlag = False,
) -> None:
    """A unit's dossier: counts by status, grade, category and month; people; sources; aliases."""
    with session(ctx, read_only=True) as s:
        d = service.unit(s, key)
    _json(d) if as_json else _print_dossier(d, f"unit {d['unit']} ({', '.join(d['aliases'][:5])})")


@app.command()
def region(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="ISO 3166-2 code.")],
    as_json: JsonFlag = False,
) -> None:
    """A region's dossier: counts by status, grade, category and month; people; sources."""
    with session(ctx, read_only=True) as s:
        d = service.region(s, code)
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
    with session(ctx, read_only=confirm is None) as s:
        if confirm is not None:
            service.confirm_unit_alias(s, confirm[0], confirm[1])
            console.print(f"confirmed {confirm[0]} = {confirm[1]} in {UNIT_ALIASES}",
                          markup=False)  # fmt: skip
        groups = service.unit_aliases(s)
    if as_json:
        _json(groups)
        return
    for g in groups:
        out.print(
            f"{g['unit']:<16} {' = '.join(g['keys'])}  ({' | '.join(g['aliases'][:5])})",
            markup=False,
        )
