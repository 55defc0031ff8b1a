"""Explanations: why two records were (not) linked, and what a person is made of.

A pair scored by the last run is explained from what the run stored: its comparison
levels, each level's weight log2(m/u) in the run's model, and the term-frequency
adjustment (the rest of the stored match weight). A pair the run never scored (no
common block) is compared now with the same conditions, without frequency adjustment.
"""

from __future__ import annotations

import json
import math
from typing import Any

import duckdb

from unaccounted.errors import InputError
from unaccounted.link.comparisons import Comparison, standard_comparisons
from unaccounted.link.judgements import parse_ref
from unaccounted.store.types import ordered
from unaccounted.workspace import Workspace


def levels_of(
    comparisons: list[Comparison], left: dict[str, Any], right: dict[str, Any]
) -> list[int]:
    """Each comparison's level for one pair of link-input rows, evaluated by DuckDB."""
    left, right = _with_home(left), _with_home(right)
    con = duckdb.connect()
    try:
        cols = sorted(set(left) & set(right))
        select = ", ".join(
            [f'?::{_type(left[c], right[c])} AS "{c}_l"' for c in cols]
            + [f'?::{_type(left[c], right[c])} AS "{c}_r"' for c in cols]
        )
        params = [left[c] for c in cols] + [right[c] for c in cols]
        cases = ", ".join(c.case_sql() for c in comparisons)
        row = con.execute(f"SELECT {cases} FROM (SELECT {select})", params).fetchall()[0]
        return [int(x) for x in row]
    finally:
        con.close()


def _with_home(row: dict[str, Any]) -> dict[str, Any]:
    """The row with ``home`` as the linker loads it (``model.with_home``)."""
    if "settlement" not in row or "home" in row:
        return row
    home = None if row["settlement"] is None else f"{row['settlement']}|{row.get('region') or ''}"
    return {**row, "home": home}


def _type(a: Any, b: Any) -> str:
    import datetime as dt

    v = a if a is not None else b
    if isinstance(v, bool):
        return "BOOLEAN"
    if isinstance(v, int):
        return "BIGINT"
    if isinstance(v, dt.date):
        return "DATE"
    if isinstance(v, list):
        return "VARCHAR[]"
    return "VARCHAR"


def explain_pair(ws: Workspace, a: str, b: str) -> dict[str, Any]:
    with ws.store(read_only=True) as store:
        ka, kb = parse_ref(store, a), parse_ref(store, b)
        (kl, kr) = ordered(ka, kb)
        run = store.last_run()
        if run is None:
            raise InputError("no link run yet; run 'unaccounted link' first")
        rows = store.input_rows([kl, kr])
        stored = store.pair_score(kl, kr)
        persons = [store.person_of(*kl), store.person_of(*kr)]
    model = json.loads(run["model"])
    comparisons = standard_comparisons()
    levels = list(stored["levels"]) if stored else levels_of(comparisons, rows[0], rows[1])
    lam = float(model["probability_two_random_records_match"])
    prior = math.log2(lam / (1 - lam))
    out: list[dict[str, Any]] = []
    total = prior
    for comp, level in zip(model["comparisons"], levels, strict=False):
        lv = comp["comparison_levels"][level]
        null = bool(lv.get("is_null_level"))
        m, u = lv.get("m_probability"), lv.get("u_probability")
        weight = 0.0 if null or not m or not u else math.log2(float(m) / float(u))
        total += weight
        name = comp["output_column_name"]
        out.append({"comparison": name, "level": level, "label": lv.get("label_for_charts"),
                    "weight": round(weight, 3),
                    "left": _shown(rows[0], name), "right": _shown(rows[1], name)})  # fmt: skip
    result: dict[str, Any] = {
        "left": {"source": kl[0], "record_id": kl[1], "person_id": persons[0]},
        "right": {"source": kr[0], "record_id": kr[1], "person_id": persons[1]},
        "run": run["run_id"], "scored_in_run": stored is not None,
        "prior_weight": round(prior, 3), "comparisons": out,
    }  # fmt: skip
    if stored:
        result["tf_adjustment"] = round(float(stored["match_weight"]) - total, 3)
        result["match_weight"] = round(float(stored["match_weight"]), 3)
        result["match_probability"] = float(stored["match_probability"])
    else:
        result["match_weight"] = round(total, 3)
        result["match_probability"] = 2**total / (1 + 2**total)
    return result


#: The input fields shown next to each comparison.
SHOWN = {"surname": ("surname",), "given_name": ("given_key", "given_initial"),
         "patronymic": ("patronymic_key", "patronymic_initial"),
         "birth_date": ("birth_lo", "birth_hi"), "event_date": ("event_lo", "event_hi"),
         "unit": ("unit_key", "unit_class_key"), "place": ("settlement", "region")}  # fmt: skip


def _shown(row: dict[str, Any], name: str) -> str:
    values = [row.get(c) for c in SHOWN.get(name, (name,))]
    parts = [str(v) for v in values if v is not None]
    return " / ".join(dict.fromkeys(parts)) if parts else ""


def person_view(ws: Workspace, person_id: str) -> dict[str, Any]:
    """A person's records, the scored pairs that formed it and its id history."""
    with ws.store(read_only=True) as store:
        followed: list[str] = []
        current = person_id
        while not store.person_exists(current):
            nxt = store.merged_into(current)
            if nxt is None or nxt in followed:
                break
            followed.append(current)
            current = nxt
        if not store.person_exists(current):
            raise InputError(f"no person '{person_id}' in the workspace")
        run = store.last_run()
        records = store.person_records(current)
        links = store.pairs_of_person(run["run_id"], current) if run else []
        history = store.id_history(current)
        for pid in followed:
            history += store.id_history(pid)
    return {
        "person_id": current,
        "asked": person_id,
        "followed": followed,
        "records": [{k: v for k, v in r.items() if v is not None} for r in records],
        "links": [{**link, "levels": list(link["levels"])} for link in links],
        "history": sorted(
            {json.dumps(h, default=str, sort_keys=True): h for h in history}.values(),
            key=lambda h: h["event_id"],
        ),
    }
