"""Stored person views: one row per person of the current clustering, kept up to date.

Computing every view from every claim costs seconds per ten thousand persons; readers
(status, person, unit, region, history, concealment, report, exports) read the stored
views instead. :func:`refresh_views` brings them up to date — only the persons whose
records, normalized fields, sources or cluster changed since their view was written (the
fingerprint of :mod:`unaccounted.store.views`), or all of them when the grading rules
changed — and is called after every stage that changes them (ingest, normalize, link,
load-clusters, a source's independence group). Readers never see a stale view: when the
views are not up to date (an old workspace, a store changed by a version that did not
refresh them) they read what is current and compute the rest (:func:`current_views`).

Writing functions work inside the caller's transaction and never open their own.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
from collections.abc import Iterator
from typing import Any

from unaccounted.errors import InputError, WorkspaceError
from unaccounted.resolve.claims import claims_by_person
from unaccounted.resolve.rules import GradingRules
from unaccounted.resolve.serial import FORMAT, RowTexts, Texts, decode, encode
from unaccounted.resolve.view import PersonView, view_of
from unaccounted.store import Store
from unaccounted.store.types import TEXTS, Inputs
from unaccounted.workspace import Workspace

log = logging.getLogger(__name__)

#: Persons computed and written at a time (bounds the memory of a full refresh).
BATCH_PERSONS = 20_000


def rules_digest(rules: GradingRules) -> str:
    """What the stored views depend on besides the store: the rules and the text format."""
    text = f"{FORMAT}\n{rules.model_dump_json()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def require_persons(store: Store) -> None:
    """One-line errors for a workspace with nothing to resolve yet."""
    if store.person_count() > 0:
        return
    if store.record_count() == 0:
        raise InputError(
            "the workspace has no records; ingest sources first ('unaccounted ingest')"
        )
    raise InputError(
        "the workspace has no persons yet; link the records first ('unaccounted link')"
    )


def person_count(store: Store) -> int:
    """Persons of the current clustering: the one count every reader gives."""
    return store.person_count()


def _names(v: PersonView) -> list[str]:
    found = {v.name}
    for c in v.claims:
        found.add(c.value("full_name") or "")
        for prefix in ("raw_", ""):
            parts = [c.value(f"{prefix}{p}") for p in ("surname", "given_name", "patronymic")]
            found.add(" ".join(str(p) for p in parts if p))
    return sorted(n for n in found if n)


def _row(v: PersonView, inputs: Inputs, digest: str) -> dict[str, Any]:
    region = v.best.get("region")
    texts = encode(v)
    born_lo = [c.birth_lo.year for c in v.claims if c.birth_lo is not None]
    born_hi = [c.birth_hi.year for c in v.claims if c.birth_hi is not None]
    return {
        "person_id": v.person_id,
        "name": v.name,
        "names": _names(v),
        "grade": v.grade.grade,
        "rule": v.grade.rule,
        "outcome": v.grade.fate,
        "status": v.history.current,
        "unit_keys": v.unit_keys,
        "region": str(region.value) if region is not None else None,
        "birth_year_lo": min(born_lo, default=None),
        "birth_year_hi": max(born_hi, default=None),
        "sources": len({c.source for c in v.claims}),
        "records": len(v.claims),
        "fingerprint": inputs.fingerprint,
        "rules_digest": digest,
        "cluster_event": inputs.cluster_event,
        "claims": texts.claims,
        "best": texts.best,
        "grading": texts.grading,
        "detail": texts.detail,
    }


def computed_views(store: Store, rules: GradingRules, person_ids: list[str]) -> list[PersonView]:
    """The views of the given persons computed from their claims, in person id order."""
    rows = store.claims_of_persons(person_ids)
    return [view_of(p, claims, rules) for p, claims in claims_by_person(rows)]


def refresh_views(store: Store, rules: GradingRules, person_ids: list[str] | None = None) -> int:
    """Bring the stored views up to date; return how many views were (re)written.

    With ``person_ids``, (re)write the views of those persons whether stale or not;
    without, of every person whose inputs changed since its view was written, and of
    every person when the rules changed. Views of persons no longer in the clustering are
    deleted either way. Call it inside the caller's transaction, after the change: it
    opens none (so a failed command leaves the views as they were).
    """
    digest = rules_digest(rules)
    if person_ids is None and store.views_marked_current(digest):
        return 0
    plan = store.view_staleness(digest, person_ids)
    store.delete_views(plan.gone)
    stale = sorted(plan.stale)
    for start in range(0, len(stale), BATCH_PERSONS):
        batch = stale[start : start + BATCH_PERSONS]
        rows = [
            _row(v, plan.stale[v.person_id], digest) for v in computed_views(store, rules, batch)
        ]
        store.write_views(rows)
    if person_ids is None:
        store.mark_views_current(digest)
    if stale or plan.gone:
        log.info("person views: %d written, %d deleted", len(stale), len(plan.gone))
    return len(stale)


def views_current(store: Store, rules: GradingRules) -> bool:
    """True when every stored view is up to date (nothing to refresh)."""
    digest = rules_digest(rules)
    return store.views_marked_current(digest) or store.view_staleness(digest).empty


def stored_view(store: Store, person_id: str) -> PersonView:
    """One person's stored view, as it was written; :class:`InputError` when there is none."""
    found = store.view_row(person_id)
    if found is None:
        require_persons(store)
        raise InputError(f"no person with id {person_id!r} in this workspace")
    claims, best, grading, detail, region = found
    return decode(person_id, Texts(claims, best, grading, detail), region)


def stored_views(store: Store, *, summary: bool = False) -> Iterator[PersonView]:
    """Every stored view, as written, in person id order; with ``summary``, without the
    values only a full view shows (:mod:`unaccounted.resolve.serial`), quicker to read."""
    yield from _read(store, summary=summary, skip=set())


def _read(store: Store, *, summary: bool, skip: set[str]) -> Iterator[PersonView]:
    """The stored views but those of ``skip``; each text stays in Arrow until used."""
    table = store.views_table(detail=not summary)
    texts = {name: table.column(name) for name in TEXTS}
    regions = table.column("region").to_pylist()
    for row, person_id in enumerate(table.column("person_id").to_pylist()):
        if person_id not in skip:
            yield decode(person_id, RowTexts(texts, row), regions[row])


def current_view(store: Store, person_id: str, rules: GradingRules) -> PersonView:
    """One person's view: the stored one when the views are up to date, else computed."""
    if store.views_marked_current(rules_digest(rules)):
        return stored_view(store, person_id)
    found = computed_views(store, rules, [person_id])
    if not found:
        require_persons(store)
        raise InputError(f"no person with id {person_id!r} in this workspace")
    return found[0]


def current_views(
    store: Store, rules: GradingRules, *, summary: bool = False
) -> Iterator[PersonView]:
    """Every person's view in person id order: the stored ones that are up to date, and
    the others computed (not written: the store may be read-only). ``summary``: as
    :func:`stored_views`."""
    require_persons(store)
    digest = rules_digest(rules)
    if store.views_marked_current(digest):
        yield from stored_views(store, summary=summary)
        return
    plan = store.view_staleness(digest)
    if plan.empty:
        yield from stored_views(store, summary=summary)
        return
    log.info("person views: %d not up to date, computed in memory", len(plan.stale))
    computed = computed_views(store, rules, sorted(plan.stale))
    skip = set(plan.stale) | set(plan.gone)
    kept = _read(store, summary=summary, skip=skip)
    yield from heapq.merge(kept, computed, key=lambda v: v.person_id)


def workspace_views(
    ws: Workspace, rules: GradingRules, *, summary: bool = False
) -> list[PersonView]:
    """Every person's view of a workspace, in person id order, for the readers
    (``summary``: as :func:`stored_views`).

    Up-to-date stored views are read from a read-only store. Otherwise the views are
    refreshed and stored first (in a transaction of their own) when the store can be
    opened for writing, and computed in memory when it cannot (another process holds it).
    """
    with ws.store(read_only=True) as store:
        require_persons(store)
        if views_current(store, rules):
            return list(stored_views(store, summary=summary))
    try:
        with ws.store() as store:
            with store.transaction():
                refresh_views(store, rules)
            return list(stored_views(store, summary=summary))
    except WorkspaceError as exc:
        log.info("person views not stored (%s); computing them in memory", exc)
    with ws.store(read_only=True) as store:
        return list(current_views(store, rules, summary=summary))
