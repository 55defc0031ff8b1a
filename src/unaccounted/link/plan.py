"""What a link run has to do: nothing, re-cluster, link the new records, or everything.

The rule, first match wins (docs/link.md, "Incremental runs"):

1. no earlier run, no record state from it, or no saved model → **full** run, new model;
2. ``--retrain`` → full run, new model;
3. a ``[link]`` setting changed since the last run (``threads`` and ``memory_limit``
   aside), or the saved model's comparisons have other levels than this version's
   → full run, new model;
4. the records new, changed or gone since the saved model was trained (this run's
   included) exceed ``link.retrain_share`` of the records it was trained on → full run,
   new model (the data moved enough that its u values and λ may be stale);
5. ``--full`` → full run with the saved model: every pair scored again;
6. no record new, changed or gone and the same judgements in force → **nothing** to do;
   only the judgements changed → **recluster** the stored pairs;
7. otherwise → **incremental**: score the new records, keep the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from unaccounted.link.comparisons import standard_comparisons
from unaccounted.settings import LinkSettings

#: Settings that change how fast a run is, never what it finds.
RESOURCE_SETTINGS = frozenset({"threads", "memory_limit"})


@dataclass(frozen=True)
class Changes:
    """Records new, changed and gone since the last link run."""

    new: int = 0
    changed: int = 0
    gone: int = 0

    @property
    def total(self) -> int:
        return self.new + self.changed + self.gone


@dataclass(frozen=True)
class Plan:
    #: full | incremental | recluster | nothing
    mode: str
    #: full runs: whether a new model is trained (else the saved one is reused)
    retrain: bool
    why: str
    #: records new, changed or gone since the model of this run was trained
    changed_since_training: int = 0


def settings_that_matter(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in RESOURCE_SETTINGS}


def outdated_comparisons(model: dict[str, Any]) -> list[str]:
    """Comparisons of a saved model whose levels differ from this version's (a model saved
    by an earlier version: its stored levels would be read with other labels)."""
    now = {c.name: [lv.label for lv in c.levels] for c in standard_comparisons()}
    return [
        c["output_column_name"]
        for c in model.get("comparisons", [])
        if c.get("output_column_name") in now
        and [lv.get("label_for_charts") for lv in c.get("comparison_levels", [])]
        != now[c["output_column_name"]]
    ]


def plan_run(
    last: dict[str, Any] | None,
    state_records: int,
    cfg: LinkSettings,
    changes: Changes,
    judgement_ids: list[int],
    *,
    full: bool = False,
    retrain: bool = False,
) -> Plan:
    """The kind of run to make; ``last`` is the last ``link_runs`` row (or None)."""
    if last is None:
        return Plan("full", True, "no earlier link run")
    if state_records == 0:
        return Plan("full", True, "the last link run kept no record state (older version)")
    model = json.loads(last["model"])
    if not model:
        return Plan("full", True, "the last link run saved no model (fewer than 2 records)")
    if retrain:
        return Plan("full", True, "--retrain given")
    before = settings_that_matter(json.loads(last["link_settings"]))
    now = settings_that_matter(cfg.model_dump())
    if before != now:
        changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
        return Plan("full", True, "[link] settings changed since the last run: "
                    + ", ".join(changed))  # fmt: skip
    outdated = outdated_comparisons(model)
    if outdated:
        return Plan("full", True, "the saved model's comparisons differ from this version's: "
                    + ", ".join(outdated))  # fmt: skip
    trained_on = int(json.loads(last["training"]).get("records", 0))
    since = int(last["changed_since_training"] or 0) + changes.total
    model_run = int(last["model_run"] or last["run_id"])
    if since > cfg.retrain_share * trained_on:
        return Plan("full", True, f"{since:,} records new, changed or gone since run "
                    f"{model_run} trained the model on {trained_on:,}, more than "
                    f"link.retrain_share ({cfg.retrain_share:g})")  # fmt: skip
    reuse = (f"model of run {model_run} reused: {since:,} records new, changed or gone "
             f"since it was trained on {trained_on:,}")  # fmt: skip
    if full:
        return Plan("full", False, f"--full given; {reuse}", since)
    same_judgements = json.loads(last["judgement_ids"] or "null") == judgement_ids
    if changes.total == 0:
        if same_judgements:
            return Plan("nothing", False, "no record new, changed or gone and the same "
                        "judgements in force since the last run", since)  # fmt: skip
        return Plan("recluster", False, f"only the judgements changed; {reuse}", since)
    return Plan("incremental", False, f"{changes.new:,} new, {changes.changed:,} changed, "
                f"{changes.gone:,} gone records; {reuse}", since)  # fmt: skip


def cause(
    plan: Plan, changes: Changes, judgement_ids: list[int], last_judgement_ids: list[int]
) -> str:
    """What made a run's clusters differ, in a few words, for the reasons of merges and
    splits: the records that arrived or changed, and the judgements added or withdrawn."""
    parts = []
    if plan.mode == "full":
        parts.append("full run, new model" if plan.retrain else "full run")
    if changes.total:
        parts.append(f"{changes.new} new, {changes.changed} changed, {changes.gone} gone records")
    added = sorted(set(judgement_ids) - set(last_judgement_ids))
    withdrawn = sorted(set(last_judgement_ids) - set(judgement_ids))
    if added:
        parts.append("judgements " + ", ".join(map(str, added)) + " in force")
    if withdrawn:
        parts.append("judgements " + ", ".join(map(str, withdrawn)) + " no longer in force")
    return "; ".join(parts)
