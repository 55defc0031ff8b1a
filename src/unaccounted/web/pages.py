"""The server-rendered pages: search, person, review queue, dossiers, concealment,
sources, estimates, nowcast, jobs, and the language switch. Forms post and redirect, so
everything works without JavaScript; ``static/app.js`` adds keyboard shortcuts."""

from __future__ import annotations

import dataclasses
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from unaccounted.service import incident_views, link, overview, persons, review, workspace
from unaccounted.service.search import GRADES
from unaccounted.web import i18n
from unaccounted.web.app import Web, web_of
from unaccounted.web.searching import hit_dict
from unaccounted.web.uploads import job_inputs

router = APIRouter(include_in_schema=False)
W = Annotated[Web, Depends(web_of)]
REVIEWER = "reviewer"


def back(to: str, **params: object) -> RedirectResponse:
    """A 303 redirect after a form post (the browser then GETs ``to``)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return RedirectResponse(to + (f"?{query}" if query else ""), status_code=303)


def _local(path: str | None) -> str:
    """Only a path on this site may be a redirect target."""
    # not "//host" nor "/\\host", which browsers read as another site
    return path if path and path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


@router.get("/")
def search_page(
    request: Request, web: W, q: str = "", unit: str = "", region: str = "", status: str = "",
    born: str = "", died: str = "", grade: Annotated[list[str] | None, Query()] = None,
    why: bool = False, limit: int = Query(20, ge=1, le=200),
) -> Response:  # fmt: skip
    hits: list[dict[str, Any]] = []
    error = None
    web.check("search")
    grades = [g for g in grade or [] if g.strip()]
    if q.strip():
        with web.read() as s:
            found = web.search(s, q, unit=unit or None, region=region or None,
                               status=status or None, born=born or None, grade=grades or None,
                               died=died or None, limit=limit)  # fmt: skip
        hits = [hit_dict(h) for h in found.hits]
    filters = {"unit": unit, "region": region, "status": status, "born": born, "died": died}
    return web.render(request, "search.html", q=q, filters=filters, why=why, hits=hits,
                      grades=GRADES, chosen=grades, error=error)  # fmt: skip


@router.get("/person/{person_id}")
def person_page(request: Request, web: W, person_id: str, done: str = "") -> Response:
    with web.read() as s:
        view = persons.person(s, person_id)
        records = view.get("linkage", {}).get("records", [])
        refs = [review.ref(r["source_id"], r["record_id"]) for r in records]
        judged = review.judgements_of(s, refs) if s.may("judgements") else []
        seen = incident_views.may_see(s)
        incidents = incident_views.person_incidents(s, view["person_id"]) if seen else None
        labels = incident_views.type_labels(s) if seen else {}
    undo = [int(x) for x in done.split(",") if x.isdigit()]
    return web.render(request, "person.html", p=view, records=records, refs=refs,
                      judgements=judged, undo=undo, incidents=incidents,
                      labels=labels)  # fmt: skip


@router.post("/person/{person_id}/split")
def split(web: W, person_id: str, record: Annotated[str, Form()]) -> Response:
    with web.use() as s:
        ids = review.split_record(s, person_id, record)
    return back(f"/person/{person_id}", done=",".join(map(str, ids)))


@router.post("/person/{person_id}/merge")
def merge(web: W, person_id: str, other: Annotated[str, Form()]) -> Response:
    with web.use() as s:
        jid = review.merge_persons(s, person_id, other.strip())
    return back(f"/person/{person_id}", done=jid)


@router.post("/judgements/withdraw")
def withdraw(
    web: W, ids: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:  # fmt: skip
    with web.use() as s:
        for jid in [int(x) for x in ids.split(",") if x.strip().isdigit()]:
            link.withdraw_judgement(s, jid)
    return back(_local(next))


def _reviewer(request: Request) -> str:
    return request.cookies.get(REVIEWER) or ""


@router.get("/review")
def review_page(request: Request, web: W, last: str = "", skipped: str = "") -> Response:
    reviewer = _reviewer(request) or secrets.token_hex(8)
    passed = [x for x in skipped.split(",") if x]
    with web.read() as s:
        found = review.next_pair(s, web.leases, reviewer, passed)
        done = review.progress(s, web.leases)
    response = web.render(request, "review.html", pair=found, progress=done, last=last,
                          skipped=skipped)  # fmt: skip
    response.set_cookie(REVIEWER, reviewer, httponly=True, samesite="lax")
    return response


@router.post("/review/decide")
def decide(
    request: Request, web: W, a: Annotated[str, Form()], b: Annotated[str, Form()],
    decision: Annotated[str, Form()], skipped: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    if decision == "skip":
        return back("/review", skipped=",".join(x for x in (skipped, f"{a}|{b}") if x))
    with web.use() as s:
        jid = review.decide(s, web.leases, _reviewer(request), a, b, decision)
    return back("/review", last=jid, skipped=skipped)


@router.post("/review/undo")
def undo(web: W, judgement: Annotated[int, Form()]) -> Response:
    with web.use() as s:
        link.withdraw_judgement(s, judgement)
    return back("/review")


@router.get("/unit/{key:path}")
def unit_page(request: Request, web: W, key: str) -> Response:
    with web.read() as s:
        dossier = persons.unit(s, key)
        seen = incident_views.may_see(s)
        incidents = incident_views.unit_incidents(s, dossier["keys"]) if seen else None
        labels = incident_views.type_labels(s) if seen else {}
    return web.render(request, "dossier.html", kind="unit", d=dossier, incidents=incidents,
                      labels=labels)  # fmt: skip


@router.get("/region/{code}")
def region_page(request: Request, web: W, code: str) -> Response:
    with web.read() as s:
        dossier = persons.region(s, code)
    return web.render(request, "dossier.html", kind="region", d=dossier)


@router.get("/concealment")
def concealment_page(request: Request, web: W) -> Response:
    with web.read() as s:
        report = persons.concealment(s)
        units = [dataclasses.asdict(u) for u in report]
    chart = overview.bars([(u["aliases"][0] if u["aliases"] else u["unit"],
                            len(u["officially_missing"])) for u in units[:20]],
                          "officially missing per unit")  # fmt: skip
    return web.render(request, "concealment.html", units=units, chart=chart,
                      message=report.message)  # fmt: skip


@router.get("/sources")
def sources_page(request: Request, web: W) -> Response:
    with web.read() as s:
        found = workspace.sources(s)
        bad = workspace.rejects(s, None, 500) if s.may("rejects") else []
        files = workspace.files(s)
    chart = overview.bars([(x["name"], x["records"]) for x in found], "records per source")
    return web.render(request, "sources.html", sources=found, rejects=bad, chart=chart,
                      files=files)  # fmt: skip


@router.get("/estimates")
def estimates_page(
    request: Request,
    web: W,
    by: str = "",
    missing: bool = False,
    dead_among_missing: bool = False,
    delay: bool = False,
) -> Response:
    with web.read() as s:
        table = overview.estimates(s, by or None, missing, dead_among_missing, delay)
    return web.render(request, "estimates.html", t=table, by=by, missing=missing,
                      dead_among_missing=dead_among_missing, delay=delay)  # fmt: skip


@router.get("/nowcast")
def nowcast_page(request: Request, web: W) -> Response:
    with web.read() as s:
        table = overview.nowcasts(s)
    return web.render(request, "nowcast.html", t=table)


@router.get("/jobs")
def jobs_page(request: Request, web: W, job: int | None = None) -> Response:
    web.check("run-job")
    shown = web.jobs.get(job) if job is not None else None
    return web.render(request, "jobs.html", jobs=web.jobs.all(), shown=shown,
                      kinds=workspace_kinds())  # fmt: skip


def workspace_kinds() -> tuple[str, ...]:
    from unaccounted.service.ingest import SOURCE_KINDS

    return SOURCE_KINDS


@router.post("/jobs")
def start_job(
    web: W, file: Annotated[UploadFile, File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    source: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    web.check("run-job")  # before the upload is kept
    files, options = job_inputs(web, file, mapping, source, kind)
    job = web.jobs.start(files, options, actor=web.acting())  # runs as the user who started it
    return back("/jobs", job=job.id)


@router.get("/lang/{code}")
def language(code: str, next: str = "/") -> Response:
    response = back(_local(next))
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=3600 * 24 * 365, samesite="lax")
    return response
