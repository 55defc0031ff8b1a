"""Normalizing and linking records into persons, reviewers' judgements, the review queue.

Every write is one unit of work of the session (see ``service/session.py``); the stages
themselves live in ``normalize/`` and ``link/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.link.dedupe import DedupeReport
from unaccounted.link.dedupe import dedupe as run_dedupe
from unaccounted.link.explain import explain_pair as _explain_pair
from unaccounted.link.explain import person_view as cluster_view
from unaccounted.link.judgements import DECISIONS, decision_of, import_csv, judge, listing, withdraw
from unaccounted.link.stage import LinkReport, run_link
from unaccounted.normalize.stage import NormalizeReport, run_normalize
from unaccounted.normalize.stage import explain_record as _explain_record
from unaccounted.protect import redact
from unaccounted.service.derived import refresh_derived
from unaccounted.service.session import Session
from unaccounted.service.shared import sync_shared_files
from unaccounted.settings import LinkSettings

__all__ = [
    "DECISIONS", "DedupeReport", "LinkReport", "NormalizeReport", "Session", "decision_of",
]  # fmt: skip

Progress = Callable[[float, float], None]


def normalize(
    s: Session, progress: Progress | None = None, *, rebuild: bool = False
) -> NormalizeReport:
    """Fill the normalized fields of records that lack them for the current normalizer."""
    sync_shared_files(s)  # a hand-edited pack addition is recorded before it is used
    with s.write("normalize", {"rebuild": rebuild}) as work:
        report = run_normalize(work.ws, progress, rebuild=rebuild)
        refresh_derived(work)
        return report


def explain_record(s: Session, source: str, record_id: str) -> dict[str, Any]:
    """One record raw → normalized, field by field, with the rule behind each."""
    s.check("explain-record")
    explained: dict[str, Any] = redact(_explain_record(s.ws, source, record_id))
    return explained


def link(
    s: Session, progress: Progress | None = None, *, full: bool = False, retrain: bool = False
) -> LinkReport:
    """Link what is new against what exists (or everything); keep person ids stable."""
    sync_shared_files(s)
    with s.write("link", {"full": full, "retrain": retrain}) as work:
        report = run_link(work.ws, progress, full=full, retrain=retrain)
        refresh_derived(work)
        return report


def dedupe(
    records: Path, out_path: Path, engine: str = "duckdb", progress: Progress | None = None,
    *, force: bool = False,
) -> DedupeReport:  # fmt: skip
    """One-shot: normalize, link and cluster a CSV of records (no workspace)."""
    return run_dedupe(records, out_path, LinkSettings(engine=engine), progress, force=force)


def explain_pair(s: Session, a: str, b: str) -> dict[str, Any]:
    """Each comparison's level and weight for two records (``SOURCE:RECORD_ID``)."""
    s.check("explain-pair")
    explained: dict[str, Any] = redact(_explain_pair(s.ws, a, b))
    return explained


def linkage_of_person(s: Session, person_id: str) -> dict[str, Any]:
    """The scored links and id history of a person's cluster (an old id is followed)."""
    s.check("person")
    return cluster_view(s.ws, person_id)


def review_queue(s: Session, limit: int) -> list[dict[str, Any]]:
    """Unjudged pairs of the last link run in the review band, most uncertain first."""
    store = s.read("review-queue")
    cfg = s.workspace.settings.link
    return store.review_queue(cfg.review_low, cfg.review_high, limit)


def is_decision(word: str) -> bool:
    """Whether a reviewer's word names a decision (same, yes, different, no, unsure, …)."""
    try:
        decision_of(word)
    except InputError:
        return False
    return True


def add_judgement(s: Session, a: str, b: str, decision: str, note: str | None = None) -> int:
    """Record that two records are the same person, different persons, or unsure."""
    with s.write("judge", {"a": a, "b": b, "decision": decision}) as work:
        return judge(work.ws, a, b, decision, note, s.actor)


def withdraw_judgement(s: Session, judgement_id: int) -> None:
    """Withdraw a judgement: it stays on file but is no longer honoured."""
    with s.write("withdraw-judgement", {"judgement": judgement_id}) as work:
        withdraw(work.ws, judgement_id)


def import_judgements(s: Session, path: Path) -> int:
    """Import judgements from a CSV, all or nothing; return how many."""
    with s.write("import-judgements", {"file": path.name}) as work:
        return import_csv(work.ws, path)


def judgements(s: Session, include_withdrawn: bool = False) -> list[dict[str, Any]]:
    """The judgements in force (with ``include_withdrawn``, withdrawn ones too)."""
    s.check("judgements")
    return listing(s.ws, include_withdrawn)
