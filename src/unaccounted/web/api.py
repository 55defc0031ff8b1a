"""The JSON API under ``/api``: everything the pages show, as data (see ``/openapi.json``)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from unaccounted.service import accounts, exports, jobs, link, overview, persons, review, workspace
from unaccounted.web import auth
from unaccounted.web.app import Web, web_of
from unaccounted.web.searching import hit_dict
from unaccounted.web.uploads import job_inputs

router = APIRouter(prefix="/api", tags=["api"])
W = Annotated[Web, Depends(web_of)]


@router.get("/session")
def session(request: Request, web: W) -> dict[str, Any]:
    """Who you are: the signed-in account and its role (null when not signed in), the
    actor the server acts as for you, and the CSRF token a browser's script sends in
    ``X-CSRF-Token`` (empty for a request signed with an API token, which needs none)."""
    visitor = auth.current.get()
    assert visitor is not None
    with web.read() as s:
        has = accounts.has_accounts(s)
    return {"user": visitor.user, "role": visitor.role, "actor": visitor.actor,
            "accounts": has, "csrf": visitor.csrf}  # fmt: skip


@router.get("/audit")
def audit(web: W, actor: str = "", limit: int = Query(200, ge=1, le=10_000)) -> list[Any]:
    """The newest events (of ``actor``, if given): who did what, when, with what outcome.
    Admins only."""
    from unaccounted.web.signin import audit_events

    return audit_events(web, actor.strip(), limit)


@router.get("/status")
def status(web: W) -> dict[str, Any]:
    """The workspace's counts (the ``status --json`` contract)."""
    with web.read() as s:
        return workspace.status(s)


@router.get("/search")
def search(
    web: W, q: str, unit: str | None = None, region: str | None = None,
    status: str | None = None, born: str | None = None,
    grade: Annotated[list[str] | None, Query()] = None, died: str | None = None,
    limit: int = Query(10, ge=1, le=500),
) -> dict[str, Any]:  # fmt: skip
    """Persons by name in any script and form, ranked, each with why it matched.

    ``grade`` may be repeated (a person passes with any of them); ``died`` is a year,
    ``YEAR-MM``, ``YEAR-MM-DD`` or ``FROM..TO`` of those, either end open. ``filters``
    echoes the filters as read."""
    grades = [g for g in grade or [] if g.strip()]
    with web.read() as s:
        found = web.search(s, q, unit=unit or None, region=region or None,
                           status=status or None, born=born or None, grade=grades or None,
                           died=died or None, limit=limit)  # fmt: skip
    return {"query": found.query, "filters": dict(getattr(found, "filters", {}) or {}),
            "hits": [hit_dict(h) for h in found.hits]}  # fmt: skip


@router.get("/persons/{person_id}")
def person(web: W, person_id: str) -> dict[str, Any]:
    """One person view with its linkage and the judgements on its records."""
    with web.read() as s:
        view = persons.person(s, person_id)
        refs = [review.ref(r["source_id"], r["record_id"])
                for r in view.get("linkage", {}).get("records", [])]  # fmt: skip
        if s.may("judgements"):
            view["judgements"] = review.judgements_of(s, refs)
    return view


@router.post("/persons/{person_id}/split")
def split(web: W, person_id: str, record: Annotated[str, Form()]) -> dict[str, Any]:
    """Judge a record a different person from the rest of its person (undo: withdraw)."""
    with web.use() as s:
        return {"judgements": review.split_record(s, person_id, record)}


@router.post("/persons/{person_id}/merge")
def merge(web: W, person_id: str, other: Annotated[str, Form()]) -> dict[str, Any]:
    """Judge two persons the same person (undo: withdraw the judgement)."""
    with web.use() as s:
        return {"judgements": [review.merge_persons(s, person_id, other.strip())]}


@router.get("/judgements")
def judgements(web: W, withdrawn: bool = False) -> list[dict[str, Any]]:
    with web.read() as s:
        return link.judgements(s, withdrawn)


@router.post("/judgements/{judgement_id}/withdraw")
def withdraw(web: W, judgement_id: int) -> dict[str, Any]:
    """Undo a decision: the judgement stays on file but is no longer honoured."""
    with web.use() as s:
        link.withdraw_judgement(s, judgement_id)
    return {"withdrawn": judgement_id}


@router.get("/review/next")
def review_next(web: W, reviewer: str = "") -> dict[str, Any] | None:
    """The next open pair, leased to ``reviewer`` (default: the signed-in account; None when
    the queue is empty)."""
    with web.read() as s:
        found = review.next_pair(s, web.leases, reviewer or s.actor)
    return dataclasses.asdict(found) if found is not None else None


@router.get("/review/progress")
def review_progress(web: W) -> dict[str, Any]:
    with web.read() as s:
        return dataclasses.asdict(review.progress(s, web.leases))


@router.post("/review/decide")
def review_decide(
    web: W, a: Annotated[str, Form()], b: Annotated[str, Form()],
    decision: Annotated[str, Form()], reviewer: Annotated[str, Form()] = "",
) -> dict[str, Any]:  # fmt: skip
    """Same, different or unsure about a pair, as a judgement."""
    with web.use() as s:
        return {"judgement": review.decide(s, web.leases, reviewer or s.actor, a, b, decision)}


@router.get("/units/{key:path}")
def unit(web: W, key: str) -> dict[str, Any]:
    with web.read() as s:
        return persons.unit(s, key)


@router.get("/regions/{code}")
def region(web: W, code: str) -> dict[str, Any]:
    with web.read() as s:
        return persons.region(s, code)


@router.get("/concealment")
def concealment(web: W) -> list[dict[str, Any]] | dict[str, Any]:
    """Units, most suspicious first; when nothing can be ranked, ``{"message", "units": []}``
    saying why and how to fix it (as ``concealment --json``)."""
    with web.read() as s:
        report = persons.concealment(s)
        if report.message:
            return {"message": report.message, "units": []}
        return [dataclasses.asdict(u) for u in report]


@router.get("/sources")
def sources(web: W) -> list[dict[str, Any]]:
    with web.read() as s:
        return workspace.sources(s)


@router.get("/rejects")
def rejects(web: W, source: str | None = None, limit: int = Query(1000, ge=1)) -> list[Any]:
    with web.read() as s:
        return workspace.rejects(s, source, limit)


@router.get("/estimates")
def estimate(
    web: W,
    by: str | None = None,
    missing: bool = False,
    dead_among_missing: bool = False,
    delay: bool = False,
) -> dict[str, Any]:
    """Multiple systems estimation of the workspace, per stratum, with warnings;
    ``dead_among_missing`` and ``delay`` (by period): ``estimate --dead-among-missing`` and
    ``--reporting-delay``."""
    with web.read() as s:
        return overview.estimates(s, by or None, missing, dead_among_missing, delay).as_dict()


@router.get("/nowcast")
def nowcast(web: W) -> dict[str, Any]:
    """The documented deaths by week, corrected for reporting delay."""
    with web.read() as s:
        return overview.nowcasts(s).as_dict()


@router.get("/jobs")
def job_list(web: W) -> list[dict[str, Any]]:
    web.check("run-job")
    return [j.as_dict() for j in web.jobs.all()]


@router.get("/jobs/{job_id}")
def job(web: W, job_id: int) -> dict[str, Any]:
    web.check("run-job")
    return web.jobs.get(job_id).as_dict()


@router.post("/jobs")
def start_job(
    web: W, file: Annotated[UploadFile, File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    source: Annotated[str | None, Form()] = None, kind: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:  # fmt: skip
    """Upload a file (and its mapping) and run ingest → normalize → link in the background."""
    web.check("run-job")  # before the upload is kept
    files, options = job_inputs(web, file, mapping, source, kind)
    started: jobs.Job = web.jobs.start(files, options, actor=web.acting())  # as its user
    return started.as_dict()


@router.get("/export/persons.{fmt}")
def export_persons(web: W, fmt: str) -> StreamingResponse:
    """Every person, streamed (csv, jsonl, parquet)."""
    exports.check_format(fmt)
    web.check("export-persons")  # before the first byte: a status, not a cut stream
    return StreamingResponse(_locked(web, "persons", fmt, None), media_type=exports.FORMATS[fmt])


@router.get("/export/records.{fmt}")
def export_records(web: W, fmt: str, source: str | None = None) -> StreamingResponse:
    """Every current record with its provenance, streamed (csv, jsonl, parquet)."""
    exports.check_format(fmt)
    web.check("export-records")  # before the first byte: a status, not a cut stream
    with web.use() as s:
        workspace.require_source(s, source)  # before the first byte: a one-line error
    return StreamingResponse(_locked(web, "records", fmt, source), media_type=exports.FORMATS[fmt])


def _locked(web: Web, what: str, fmt: str, source: str | None) -> Any:
    with web.use() as s:
        if what == "persons":
            yield from exports.persons_stream(s, fmt)
        else:
            yield from exports.records_stream(s, fmt, source)
