"""Stratified estimates of a linked workspace: read the store, draw, estimate.

The records, their lists and strata fields come from ``store/strata.py``; the scored
pairs of the last link run, the reviewers' judgements in force and the link stage's
source-conflict rule (one listing source, two exact birth days) give the constraints
under which clusterings are drawn.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pyarrow as pa

from unaccounted.errors import InputError, WorkspaceError
from unaccounted.estimate.linkage_error import LinkageScores, draw_clusterings
from unaccounted.estimate.strata import BY, MethodChoice, RecordTable, quarter
from unaccounted.estimate.stratified import StrataResult, estimate_strata
from unaccounted.link import constraints as cl
from unaccounted.link.constraints import judged_in_force, link_constraints
from unaccounted.normalize.categories import CategoryReader
from unaccounted.normalize.pack import PackData
from unaccounted.resolve.rules import default_rules, load_rules, workspace_rules_path
from unaccounted.workspace import Workspace

log = logging.getLogger(__name__)


#: The stratum of every person when the workspace is estimated whole.
WHOLE = "all"

#: Persons only ever reported missing, per documented dead person, from which the estimate
#: of the dead says that the estimate of the dead and missing should lead.
MISSING_HEADLINE_SHARE = 0.1


def missing_only_note(statuses: dict[str, set[str]]) -> str | None:
    """The warning that puts the dead-and-missing estimate first, when the persons only ever
    reported missing are at least :data:`MISSING_HEADLINE_SHARE` of the documented dead.

    ``statuses`` maps each person to the status classes its records state.
    """
    dead = sum("dead" in c for c in statuses.values())
    missing = sum("missing" in c and "dead" not in c for c in statuses.values())
    if not dead or missing < MISSING_HEADLINE_SHARE * dead:
        return None
    return (
        f"{missing:,} persons are only ever reported missing, {missing / dead:.0%} as many as "
        f"the {dead:,} documented dead; where deaths are reported as missing (see "
        "'unaccounted concealment'), lead with the estimate of the dead and missing "
        "(--include-missing) and say that it counts both"
    )


def stratum_value(
    row: dict[str, Any], by: str | None, categories: CategoryReader | None = None
) -> str | None:
    """The stratum a record states for ``by`` (None: it says nothing); ``categories`` reads
    a category to its canonical name («ЧВК» and "PMC" are one stratum)."""
    if by is None:
        return WHOLE
    if by == "period":
        return quarter(row["event_lo"], row["event_hi"])
    if by == "category" and categories is not None:
        return categories.read(row["category"])
    value = row[by]
    return str(value) if value is not None else None


def quarter_span(row: dict[str, Any]) -> tuple[str, str] | None:
    """The first and last quarter of a record's event-date interval (None: no date)."""
    lo, hi = row["event_lo"], row["event_hi"]
    if lo is None or hi is None:
        return None
    first, last = quarter(lo, lo), quarter(hi, hi)
    return (first, last) if first and last else None


def workspace_strata(
    ws: Workspace,
    by: str | None,
    choice: MethodChoice,
    draws: int,
    counted: tuple[str, ...] = ("dead",),
    impute: bool = True,
) -> StrataResult:
    """Estimate every stratum of ``by`` (None: one stratum) with ``draws`` clusterings.

    ``draws`` = 0 estimates the current persons only. ``impute``: persons whose records
    state no stratum are placed in one (within their records' date range for periods).
    ``counted`` are the status classes of the grading rules that put a person in the
    population: a person counts when any of its records states one of them.
    """
    if by is not None and by not in BY:
        raise InputError(f"unknown stratum {by!r}; choose one of {', '.join(BY)}")
    if draws < 0:
        raise InputError("--draws must be 0 or more")
    path = workspace_rules_path(ws)
    rules = load_rules(path) if path.exists() else default_rules()
    with ws.store(read_only=True) as store:
        rows = store.strata_records()
        if not rows:
            raise WorkspaceError("the workspace has no records; run 'unaccounted ingest' first")
        if all(r["person_id"] is None for r in rows):
            raise WorkspaceError("the workspace has no persons; run 'unaccounted link' first")
        keys = {(r["source_id"], r["record_id"]): i for i, r in enumerate(rows)}
        scores = None
        if draws:
            if not store.has_link_run():
                raise WorkspaceError(
                    "no link run has scored pairs to draw clusterings from; "
                    "run 'unaccounted link' or use --draws 0"
                )
            scores = _scores(rows, keys, store.last_run_pairs(), store.judgements_in_force(),
                             ws.settings.link.conflict_kinds)  # fmt: skip
    categories = None
    if by == "category":  # the language pack's category words, read only when asked
        cfg = ws.settings.normalize
        extra = (ws.root / cfg.pack_dir) if cfg.pack_dir else None
        categories = CategoryReader(PackData(cfg.locale, extra))
    values = [stratum_value(r, by, categories) for r in rows]
    table = RecordTable.build(
        [r["list_group"] for r in rows],
        [rules.status_class(r["status"]) in counted for r in rows],
        values,
        [quarter_span(r) if v is None else None for r, v in zip(rows, values, strict=True)]
        if by == "period"
        else None,
    )
    persons = {p: i for i, p in enumerate(sorted({r["person_id"] for r in rows} - {None}))}
    current = np.array(
        [persons[r["person_id"]] if r["person_id"] is not None else len(persons) + i
         for i, r in enumerate(rows)], dtype=np.int64,
    )  # fmt: skip
    drawn = draw_clusterings(scores, draws, choice.seed) if scores is not None else []
    log.info("estimating %d strata by %s over %d draws", len(table.strata), by, len(drawn))
    result = estimate_strata(table, current, drawn, choice, by or WHOLE, impute)
    if "missing" not in counted:
        statuses: dict[str, set[str]] = {}
        for i, r in enumerate(rows):
            cls = rules.status_class(r["status"])
            statuses.setdefault(str(current[i]), set()).update([cls] if cls else [])
        note = missing_only_note(statuses)
        if note:
            result.total.warnings.append(note)
    return result


def _scores(
    rows: list[dict[str, Any]],
    keys: dict[tuple[str, str], int],
    pairs: list[tuple[str, str, str, str, float]],
    judged: list[dict[str, Any]],
    conflict_kinds: list[str],
) -> LinkageScores:
    found = [(keys.get((a, b)), keys.get((c, d)), p) for a, b, c, d, p in pairs]
    kept = [(i, j, p) for i, j, p in found if i is not None and j is not None]
    left = np.array([i for i, _, _ in kept], dtype=np.int64)
    right = np.array([j for _, j, _ in kept], dtype=np.int64)
    prob = np.array([p for _, _, p in kept], dtype=np.float64)
    n = len(rows)
    constraints, _ = link_constraints(
        cl.components(n, left, right),
        judged_in_force(judged, keys)[0],
        pa.array([r["source_id"] for r in rows]),
        pa.array([r["birth_day"] for r in rows]),
        pa.array([r["kind"] for r in rows], pa.string()),
        conflict_kinds,
    )
    return LinkageScores(n, cl.Pairs(left, right, prob), constraints)


def person_strata(ws: Workspace, by: str | None) -> dict[str, str]:
    """Each linked person's stratum of ``by`` (None: the whole), as the estimates place it:
    the value stated by most lists among its records (ties: the first value); a person
    whose records state none is left out."""
    if by is not None and by not in BY:
        raise InputError(f"unknown stratum {by!r}; choose one of {', '.join(BY)}")
    categories = None
    if by == "category":
        cfg = ws.settings.normalize
        extra = (ws.root / cfg.pack_dir) if cfg.pack_dir else None
        categories = CategoryReader(PackData(cfg.locale, extra))
    with ws.store(read_only=True) as store:
        rows = store.strata_records()
    lists: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        value = stratum_value(r, by, categories)
        if r["person_id"] is not None and value is not None:
            lists.setdefault(r["person_id"], {}).setdefault(value, set()).add(r["list_group"])
    return {p: min(v, key=lambda x: (-len(v[x]), x)) for p, v in lists.items()}
