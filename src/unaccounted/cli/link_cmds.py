"""The link, dedupe, review, judgements, explain-pair and person commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from unaccounted.cli.app import app, console, out, progress_bar, session
from unaccounted.errors import InputError
from unaccounted.service import link as service

judgements_app = typer.Typer(
    help="Reviewers' decisions about record pairs: list, add, withdraw, import.",
    no_args_is_help=True,
)
app.add_typer(judgements_app, name="judgements")


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


@app.command()
def link(
    ctx: typer.Context,
    full: Annotated[
        bool,
        typer.Option("--full", help="Score every pair again (stored pairs are not reused)."),
    ] = False,
    retrain: Annotated[
        bool,
        typer.Option("--retrain", help="Train a new model first (implies --full)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Link what is new against what exists (saved model, stored pairs), or everything
    when asked or needed; honour reviewers' judgements and keep person ids stable."""
    with session(ctx) as s, progress_bar("linking") as on_progress:
        r = service.link(s, on_progress, full=full, retrain=retrain)
    changes = {"new": r.changes.new, "changed": r.changes.changed, "gone": r.changes.gone}
    summary = {"event": r.event_id, "mode": r.mode, "retrained": r.retrained, "why": r.why,
               "changes": changes, "records": r.records, "pairs": r.pairs,
               "persons": r.persons, "kept_ids": r.kept_ids, "new_ids": r.new_ids,
               "merges": r.merges, "splits": r.splits, "judgements": r.judgements,
               "seconds": round(r.seconds, 2), "checks": r.checks}  # fmt: skip
    if as_json:
        _print_json(summary)
    if r.mode == "nothing":
        console.print(f"nothing to link: {r.why} (run {r.event_id}); "
                      "--full scores every pair again", markup=False)  # fmt: skip
        return
    console.print(f"{r.mode} run ({'new model' if r.retrained else 'saved model'}): {r.why}",
                  markup=False)  # fmt: skip
    console.print(
        f"linked {r.records:,} records into {r.persons:,} persons in {r.seconds:.1f} s "
        f"({r.pairs:,} scored pairs; ids kept {r.kept_ids:,}, new {r.new_ids:,}, "
        f"{r.merges} merges, {r.splits} splits; {r.judgements} judgements honoured; "
        f"event {r.event_id})",
        markup=False,
    )
    for check in r.checks:
        console.print(f"model check: {check}", markup=False)


@app.command()
def dedupe(
    records: Annotated[Path, typer.Argument(help="CSV with canonical columns.")],
    out_path: Annotated[Path, typer.Option("--out", help="CSV to write record_id,person_id to.")],
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="duckdb (default) or spark (needs the [spark] extra and Java)."
        ),
    ] = "duckdb",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
) -> None:
    """One-shot: normalize, link and cluster a CSV of records; write record_id,person_id.
    No workspace needed."""
    if engine not in ("duckdb", "spark"):
        raise InputError(f"unknown engine '{engine}'; use duckdb or spark")
    with progress_bar("deduplicating") as on_progress:
        report = service.dedupe(records, out_path, engine, on_progress, force=force)
    if as_json:
        _print_json({"records": report.records, "persons": report.persons,
                     "extra_columns": report.extra_columns, "checks": report.checks})  # fmt: skip
    console.print(f"{report.records:,} records → {report.persons:,} persons → {out_path}",
                  markup=False)  # fmt: skip
    for check in report.checks:
        console.print(f"model check: {check}", markup=False)


@app.command("explain-pair")
def explain_pair_cmd(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="First record as SOURCE:RECORD_ID.")],
    b: Annotated[str, typer.Argument(help="Second record as SOURCE:RECORD_ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show each comparison's level and weight for two records, and their match score."""
    with session(ctx, read_only=True) as s:
        result = service.explain_pair(s, a, b)
    if as_json:
        _print_json(result)
        return
    left, right = result["left"], result["right"]
    head = f"{left['source']}:{left['record_id']} ({left['person_id']})  vs  "
    head += f"{right['source']}:{right['record_id']} ({right['person_id']})"
    out.print(head, markup=False)
    for c in result["comparisons"]:
        out.print(f"  {c['comparison']:<11} {c['weight']:>+7.2f}  {c['label']:<48} "
                  f"{c['left']}  |  {c['right']}", markup=False)  # fmt: skip
    out.print(f"  {'prior':<11} {result['prior_weight']:>+7.2f}", markup=False)
    if "tf_adjustment" in result:
        out.print(f"  {'frequency':<11} {result['tf_adjustment']:>+7.2f}  name/unit/place "
                  "frequency adjustment", markup=False)  # fmt: skip
    scored = "" if result["scored_in_run"] else " (not scored in the last run; no frequency adj.)"
    out.print(f"  match weight {result['match_weight']:+.2f}, probability "
              f"{result['match_probability']:.4f}{scored}", markup=False)  # fmt: skip


@app.command()
def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="Most pairs to show.")] = 20,
) -> None:
    """Review uncertain pairs in the terminal: both records side by side with the fields
    that agree; answer same / different / unsure / skip / quit."""
    with session(ctx) as s:
        _review(s, limit)


def _review(s: service.Session, limit: int) -> None:
    queue = service.review_queue(s, limit)
    if not queue:
        console.print("nothing to review: no unjudged pair in the review band", markup=False)
        return
    done = 0
    for i, q in enumerate(queue, 1):
        a = f"{q['source_id_l']}:{q['record_id_l']}"
        b = f"{q['source_id_r']}:{q['record_id_r']}"
        result = service.explain_pair(s, a, b)
        console.print(f"\n[{i}/{len(queue)}] p={q['match_probability']:.3f}", markup=False)
        console.print(f"  {'':<11} {a:<40} {b}", markup=False)
        for c in result["comparisons"]:
            mark = "=" if c["weight"] > 0 else "≠" if c["weight"] < 0 else " "
            console.print(f"  {c['comparison']:<11} {c['left'][:38]:<40} {c['right'][:38]:<40}"
                          f" {mark} {c['label']}", markup=False)  # fmt: skip
        while True:
            answer = typer.prompt("same / different / unsure / skip / quit", default="skip")
            word = answer.strip().lower()
            if word in ("skip", "s", ""):
                break
            if word in ("quit", "q"):
                console.print(f"{done} judgements stored", markup=False)
                return
            if service.is_decision(word):
                service.add_judgement(s, a, b, word)
                done += 1
                break
            console.print("answer same, different, unsure, skip or quit", markup=False)
    console.print(f"{done} judgements stored", markup=False)


@judgements_app.command("list")
def judgements_list(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Include withdrawn ones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the judgements in force (with --all, withdrawn ones too)."""
    with session(ctx, read_only=True) as s:
        rows = service.judgements(s, include_withdrawn=show_all)
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        withdrawn = f"  (withdrawn {r['withdrawn_at']:%Y-%m-%d})" if r["withdrawn_at"] else ""
        score = f"p={r['score']:.3f}" if r["score"] is not None else "unscored"
        line = f"{r['judgement_id']:>5}  {r['decision']:<9} {r['source_id_l']}:"
        line += f"{r['record_id_l']} — {r['source_id_r']}:{r['record_id_r']}  {score}  "
        line += f"{r['actor']} {r['decided_at']:%Y-%m-%d %H:%M}{withdrawn}"
        out.print(line, markup=False)


@judgements_app.command("add")
def judgements_add(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="First record as SOURCE:RECORD_ID.")],
    b: Annotated[str, typer.Argument(help="Second record as SOURCE:RECORD_ID.")],
    decision: Annotated[str, typer.Argument(help="same, different or unsure.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, in a few words.")] = None,
) -> None:
    """Record that two records are the same person, different persons, or unsure."""
    with session(ctx) as s:
        jid = service.add_judgement(s, a, b, decision, note)
    console.print(f"judgement {jid} stored; the next 'unaccounted link' honours it",
                  markup=False)  # fmt: skip


@judgements_app.command("withdraw")
def judgements_withdraw(
    ctx: typer.Context,
    judgement_id: Annotated[int, typer.Argument(help="Judgement number (see 'list').")],
) -> None:
    """Withdraw a judgement: it stays on file but is no longer honoured."""
    with session(ctx) as s:
        service.withdraw_judgement(s, judgement_id)
    console.print(f"judgement {judgement_id} withdrawn", markup=False)


@judgements_app.command("import")
def judgements_import(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="CSV: source_l,record_id_l,source_r,record_id_r,decision[,note].")
    ],
) -> None:
    """Import judgements from a CSV, all or nothing."""
    with session(ctx) as s:
        n = service.import_judgements(s, path)
    console.print(f"{n} judgements imported from {path}", markup=False)
