"""The Splink model: settings, unsupervised training with chosen blocks, m/u sanity checks.

Training needs no labels: u values come from random record pairs (almost all
non-matches), m values from expectation maximisation (EM) over blocked pairs. EM blocked
on fields that non-matches share (namesakes share names; brothers share a surname, a
patronymic and a home) learns a wrong model, so :func:`train` runs one EM session per
training block, judges each session's m values, keeps for every comparison only the
estimates from sessions that judged it plausibly, and reports what it rejected.
"""

from __future__ import annotations

import copy
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.link.blocking import PREDICTION_RULES, TRAINING_BLOCKS, TrainingBlock
from unaccounted.link.comparisons import Comparison
from unaccounted.link.engines import Engine
from unaccounted.settings import LinkSettings

log = logging.getLogger(__name__)

#: The comparisons every model has; others are extra columns.
CORE_COMPARISONS = frozenset(
    {"surname", "given_name", "patronymic", "birth_date", "event_date", "unit", "place"}
)
#: Used when no training block could train a comparison (a small workspace has too few
#: pairs in every block): m of each level, most specific first, "all other" last. A
#: partial agreement — an initial that fits the full name, a birth year containing the
#: birth day, a month of death containing the day — is evidence *for* a match wherever
#: it is rarer among random pairs than these shares; a comparison not listed gets
#: ``FALLBACK_TOP_M`` on its top level and the rest shared evenly.
FALLBACK_TOP_M = 0.9
FALLBACK_M: dict[str, tuple[float, ...]] = {
    # same key · same sound · JW ≥ 0.92 · JW ≥ 0.84 · other
    "surname": (0.85, 0.06, 0.04, 0.02, 0.03),
    # same · shared reading · initial fits · JW ≥ 0.9 · other
    "given_name": (0.72, 0.08, 0.12, 0.04, 0.04),
    # same · initial fits · JW ≥ 0.9 · other
    "patronymic": (0.78, 0.14, 0.04, 0.04),
    # same day · swapped/typo · year contains · intervals overlap · within 2 years · other
    "birth_date": (0.45, 0.05, 0.3, 0.15, 0.03, 0.02),
    # same day · overlap or ±3 days · within 31 days · other
    "event_date": (0.45, 0.4, 0.08, 0.07),
    # same unit · same class and number · same number · other
    "unit": (0.7, 0.1, 0.05, 0.15),
    # same home · same settlement, a region unknown · same region, other settlement ·
    # same region · other
    "place": (0.68, 0.05, 0.03, 0.12, 0.12),
}
#: A comparison's disagreement level may hold at most this share of true matches.
MAX_DISAGREE_M = 0.35
#: Least m of any level: EM on sparse levels learns near-zero m values that would veto a
#: match on one typo; no level is allowed to be stronger than about 10 bits against.
M_FLOOR = 1e-3
#: A weaker level may outweigh the top level by at most this factor (Bayes factors).
TOP_LEVEL_TOLERANCE = 4.0
#: Prior probability that two records match, before it is estimated; when it cannot be
#: estimated, 1/n (about one other record of each person among n, so at most
#: ``SMALL_LAMBDA`` on a small workspace) and at least ``DEFAULT_LAMBDA``.
DEFAULT_LAMBDA = 1e-4
SMALL_LAMBDA = 0.02
#: An extra column (an identifier, an address) also blocks on its own when exact
#: agreement on it gives at most this many pairs per record: an identifier gives under
#: one, a postcode a few, a yes/no column thousands (and is left out).
EXTRA_BLOCK_PAIRS_PER_RECORD = 10


@dataclass
class TrainedModel:
    settings: dict[str, Any]
    training: dict[str, Any] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)


def splink_settings(comparisons: list[Comparison]) -> dict[str, Any]:
    """Untrained Splink settings over the link input."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [c.splink_dict() for c in comparisons],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": r, "sql_dialect": "duckdb"} for r in PREDICTION_RULES
        ],
        "probability_two_random_records_match": DEFAULT_LAMBDA,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
        "max_iterations": 20,
        "em_convergence": 0.001,
    }


INPUT_TABLE = "link_input"


def load_input(con: Engine, table: pa.Table) -> None:
    """Load the link input into the engine ``con`` as the table every linker reads, with
    ``home`` (:func:`with_home`) added."""
    con.load(with_home(table), INPUT_TABLE)


def with_home(table: pa.Table) -> pa.Table:
    """``table`` with ``home``, the home settlement within its region («Заречье|RU-KO»;
    null without a settlement): the value whose frequency adjusts "same home settlement"."""
    if "settlement" not in table.column_names or "home" in table.column_names:
        return table
    region = (
        pc.fill_null(table.column("region"), "")
        if "region" in table.column_names
        else pa.nulls(table.num_rows, pa.string()).fill_null("")
    )
    home = pc.binary_join_element_wise(table.column("settlement"), region, "|")
    return table.append_column("home", home)


def new_linker(con: Engine, settings: dict[str, Any], table: str = INPUT_TABLE) -> Any:
    """A Splink linker over ``table`` in ``con`` (by default ``link_input``: :func:`load_input`)."""
    return con.linker(settings, table)


def release(linker: Any) -> None:
    """Drop the scratch tables ``linker`` made (term frequencies, pairs), freeing memory."""
    linker.table_management.delete_tables_created_by_splink_from_db()


def block_pair_count(con: Engine, block: TrainingBlock) -> int:
    """Pairs a training block would compare: Σ n(n-1)/2 over its keys."""
    keys = ", ".join(block.columns)
    nonnull = " AND ".join(f"{c} IS NOT NULL" for c in block.columns)
    value = con.scalar(
        f"""SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (
            SELECT count(*) AS n FROM {INPUT_TABLE} WHERE {nonnull} GROUP BY {keys}) counts"""
    )
    return int(value)


def extra_blocking_rules(con: Engine, n: int, comparisons: list[Comparison]) -> list[str]:
    """Exact-agreement blocking rules on the extra columns selective enough to block on.

    The prediction rules block on names and dates; a record whose name and birth date
    are both mistyped still shares an identifier or an address with its match.
    """
    rules = []
    for comp in comparisons:
        if comp.name in CORE_COMPARISONS:
            continue
        block = TrainingBlock(comp.name, f"l.{comp.name} = r.{comp.name}", (comp.name,),
                              frozenset({comp.name}))  # fmt: skip
        if block_pair_count(con, block) <= EXTRA_BLOCK_PAIRS_PER_RECORD * n:
            rules.append(block.rule)
    return rules


def train(
    con: Engine,
    n: int,
    comparisons: list[Comparison],
    cfg: LinkSettings,
) -> TrainedModel:
    """Estimate λ, u by sampling and m by EM over automatically chosen training blocks.

    ``link_input`` must be loaded in ``con`` (:func:`load_input`); ``n`` is its row count.
    """
    base = splink_settings(comparisons)
    training: dict[str, Any] = {"records": n, "sessions": []}
    checks: list[str] = []
    extra_rules = extra_blocking_rules(con, n, comparisons)
    training["extra_blocking_rules"] = extra_rules
    base["blocking_rules_to_generate_predictions"] += [
        {"blocking_rule": r, "sql_dialect": "duckdb"} for r in extra_rules
    ]
    linker = new_linker(con, base)
    lam = _estimate_lambda(linker, n, checks)
    release(linker)
    base["probability_two_random_records_match"] = lam
    training["probability_two_random_records_match"] = lam
    linker = new_linker(con, base)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(cfg.u_max_pairs, max(1000, n * (n - 1) // 2)), seed=cfg.seed
    )
    with_u = con.saved(linker)
    release(linker)
    names = [c.name for c in comparisons]
    estimates: dict[str, list[list[float]]] = {name: [] for name in names}
    for block in TRAINING_BLOCKS:
        trains = [c for c in names if c not in block.excludes]
        if all(len(estimates[c]) >= 1 for c in trains):
            continue  # nothing new to learn from this block
        pairs = block_pair_count(con, block)
        session: dict[str, Any] = {"block": block.name, "rule": block.rule, "pairs": pairs}
        training["sessions"].append(session)
        if pairs < cfg.em_min_pairs:
            session["used"] = False
            session["why"] = f"{pairs} pairs, fewer than link.em_min_pairs ({cfg.em_min_pairs})"
            continue
        em = new_linker(con, with_u)
        try:
            em.training.estimate_parameters_using_expectation_maximisation(
                block.rule,
                max_pairs=float(cfg.em_max_pairs) if pairs > cfg.em_max_pairs else None,
                estimate_without_term_frequencies=True,
            )
        except ValueError as exc:
            # Splink refuses an EM step whose m or u underflows (below 1e-300): the block
            # taught nothing usable; later blocks (or the fallback) supply those values.
            release(em)
            why = str(exc).split(". ")[0]
            session["used"], session["why"] = False, f"EM stopped: {why}"
            checks.append(f"training block '{block.name}' not used: EM stopped: {why}")
            continue
        learned = _levels_m(con.saved(em), names)
        release(em)
        session["used"] = True
        session["kept"], session["rejected"] = [], {}
        for c in trains:
            problem = plausibility(learned[c], _levels_u(with_u, c))
            if problem:
                session["rejected"][c] = problem
                checks.append(f"{c}: m values learned on block '{block.name}' rejected: {problem}")
            else:
                estimates[c].append(learned[c])
                session["kept"].append(c)
    final = copy.deepcopy(with_u)
    for comp in final["comparisons"]:
        name = comp["output_column_name"]
        chosen = estimates[name]
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        if chosen:
            m = [sum(col) / len(chosen) for col in zip(*chosen, strict=True)]
        elif name not in CORE_COMPARISONS:
            # An extra column no block could train is no evidence either way: m = u.
            m = _levels_u(with_u, name)
            for level in levels:
                level.pop("tf_adjustment_column", None)
                level.pop("tf_adjustment_weight", None)
            checks.append(f"{name}: no training block learned plausible m values; "
                          "this extra column is not used as evidence")  # fmt: skip
        else:
            m = _fallback_m(name, len(levels))
            checks.append(f"{name}: no training block learned plausible m values; "
                          f"using the fallback (top level m = {m[0]})")  # fmt: skip
        floored = [max(v, M_FLOOR) for v in m]
        for level, value in zip(levels, floored, strict=True):
            level["m_probability"] = value / sum(floored)
    model = TrainedModel(final, training, checks)
    # Comparisons without estimates are already reported above (fallback or neutral).
    untrained = {c for c in names if not estimates[c]}
    model.checks.extend(sanity_checks(final, skip=untrained))
    return model


#: Near-certain matches: same surname, given name, patronymic and birth day.
LAMBDA_RULE = (
    "l.surname_key = r.surname_key AND l.given_key = r.given_key"
    " AND l.patronymic_key = r.patronymic_key AND l.birth_day = r.birth_day"
)


def input_columns(comparisons: list[Comparison]) -> list[str]:
    """The link input columns Splink reads: the unique id, every column a comparison,
    a prediction rule, a training block or the λ rule names. Other columns (record ids,
    source kinds) need not be copied into Splink's tables."""
    rules = " ".join([*PREDICTION_RULES, *(b.rule for b in TRAINING_BLOCKS), LAMBDA_RULE])
    named = dict.fromkeys(["unique_id", *(c for comp in comparisons for c in comp.columns)])
    named.update(dict.fromkeys(re.findall(r"\b[lr]\.(\w+)", rules)))
    return list(named)


def _estimate_lambda(linker: Any, n: int, checks: list[str]) -> float:
    """λ from near-certain rules (same surname, given name, patronymic and birth day)."""
    try:
        linker.training.estimate_probability_two_random_records_match([LAMBDA_RULE], recall=0.3)
        lam = float(linker._settings_obj._probability_two_random_records_match)
    except Exception as exc:  # too few records for the rule to find anything
        fallback = _fallback_lambda(n)
        checks.append(f"λ could not be estimated ({exc}); using {fallback:.4g}")
        return fallback
    if not 0 < lam < 1 or n < 2:
        fallback = _fallback_lambda(n)
        checks.append(f"λ estimate {lam} is implausible; using {fallback:.4g}")
        return fallback
    # At least one in n² / 2 and at most every record matching ~10 others.
    return min(max(lam, 2 / (n * n)), 0.5)


def _fallback_lambda(n: int) -> float:
    """λ when the near-certain rule finds nothing: about one other record per person."""
    return min(max(1 / max(n, 1), DEFAULT_LAMBDA), SMALL_LAMBDA)


def _non_null(comp: dict[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]


def _comp(settings: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in settings["comparisons"] if c["output_column_name"] == name)


def _levels_m(settings: dict[str, Any], names: list[str]) -> dict[str, list[float]]:
    return {n: [_prob(lv.get("m_probability")) for lv in _non_null(_comp(settings, n))]
            for n in names}  # fmt: skip


def _levels_u(settings: dict[str, Any], name: str) -> list[float]:
    return [_prob(lv.get("u_probability")) for lv in _non_null(_comp(settings, name))]


def _prob(value: Any) -> float:
    """A probability from Splink's JSON; a level EM never observed counts as 0."""
    return float(value) if isinstance(value, int | float) else 0.0


def _fallback_m(name: str, levels: int) -> list[float]:
    fixed = FALLBACK_M.get(name)
    if fixed is not None and len(fixed) == levels:
        return list(fixed)
    rest = (1 - FALLBACK_TOP_M) / max(levels - 1, 1)
    return [FALLBACK_TOP_M] + [rest] * (levels - 1)


def plausibility(m: list[float], u: list[float]) -> str | None:
    """Why a comparison's m values (with its u values) are implausible, or None.

    Agreeing on the most specific level must be evidence for a match (m > u), the top
    level must be the strongest evidence, and the disagreement level must be evidence
    against and hold at most ``MAX_DISAGREE_M`` of the matches.
    """
    if not m or m[0] <= 0:
        return "no pair in the training block reached the top level"
    # A level the u sample never saw (u = 0) has no Bayes factor to compare.
    bf = [mi / ui if ui > 0 else 0.0 for mi, ui in zip(m, u, strict=True)]
    if u[0] > 0 and bf[0] <= 1:
        return f"the top level is not evidence for a match (m={m[0]:.3f}, u={u[0]:.3g})"
    if u[0] > 0 and max(bf) > bf[0] * TOP_LEVEL_TOLERANCE:
        return f"a weaker level far outweighs the top level (m={_fmt(m)}, u={_fmt(u)})"
    if bf[-1] >= 1:
        return f"disagreeing is not evidence against a match (m={m[-1]:.3f}, u={u[-1]:.3g})"
    if m[-1] > MAX_DISAGREE_M:
        return (f"{m[-1]:.0%} of matches would disagree, more than {MAX_DISAGREE_M:.0%} "
                "(the block probably gathered namesakes or relatives)")  # fmt: skip
    return None


def _fmt(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "]"


def sanity_checks(settings: dict[str, Any], skip: set[str] | None = None) -> list[str]:
    """Findings about the final model's m/u values; empty when every comparison is sane."""
    found = []
    for comp in settings["comparisons"]:
        if comp["output_column_name"] in (skip or set()):
            continue
        levels = _non_null(comp)
        m = [_prob(lv.get("m_probability")) for lv in levels]
        u = [_prob(lv.get("u_probability")) for lv in levels]
        problem = plausibility(m, u)
        if problem:
            found.append(f"{comp['output_column_name']}: {problem}")
    return found


def weights_table(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Per comparison level: label, m, u and the match weight log2(m/u)."""
    out = []
    for comp in settings["comparisons"]:
        for i, lv in enumerate(comp["comparison_levels"]):
            m, u = _prob(lv.get("m_probability")), _prob(lv.get("u_probability"))
            weight = math.log2(m / u) if m > 0 and u > 0 else None
            out.append({"comparison": comp["output_column_name"], "level": i,
                        "label": lv.get("label_for_charts"), "m": m, "u": u,
                        "weight": weight, "null": bool(lv.get("is_null_level"))})  # fmt: skip
    return out
