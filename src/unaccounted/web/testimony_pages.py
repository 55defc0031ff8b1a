"""The pages of accounts of abuse (docs/testimonies.md): testimonies and one testimony,
the intake and import forms, incidents as a timeline, one incident with its involvements,
support and the forms that add, change and remove them (a victim found by searching the
casualty records), a passage's level, the place dossier and the map of places. The service
decides who may see and do what: a viewer (who may not see testimonies or incidents) gets
the published form of the testimonies, incidents and places pages instead
(``service/testimony_publication.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from unaccounted.errors import InputError
from unaccounted.service import Session
from unaccounted.service import incident_views as views
from unaccounted.service import suggestions as suggesting
from unaccounted.service import testimonies as service
from unaccounted.service import testimony_io as bulk
from unaccounted.service import testimony_publication as publication
from unaccounted.web.app import Web, web_of
from unaccounted.web.pages import back
from unaccounted.web.searching import hit_dict
from unaccounted.web.uploads import imported, saved_upload

router = APIRouter(include_in_schema=False)
W = Annotated[Web, Depends(web_of)]
F = Annotated[str, Form()]


def upload_bytes(file: UploadFile | None, text: str) -> tuple[bytes, str | None]:
    """A testimony's bytes from an uploaded file, else from a text field; one of them must
    be given. The file is read to one byte past the largest a testimony may be, so that
    the service refuses a larger one without the whole of it in memory."""
    if file is not None and file.filename:
        return file.file.read(views.MAX_BYTES + 1), file.filename
    if text.strip():
        return text.encode("utf-8"), None
    raise InputError("give the testimony's text or choose a file")


@router.get("/testimonies")
def testimonies_page(request: Request, web: W) -> Response:
    with web.use() as s:
        if not s.may("testimonies"):
            found = publication.published_testimonies(s)
            return web.render(request, "published_testimonies.html", rows=found)
        rows = service.testimonies(s)
        may_add = s.may("testimony-add")
    return web.render(request, "testimonies.html", rows=rows, may_add=may_add)


@router.get("/testimonies/new")
def testimony_form(request: Request, web: W) -> Response:
    web.check("testimony-add")
    return web.render(request, "testimony_new.html", kinds=views.KINDS, levels=views.LEVELS)


@router.post("/testimonies")
def testimony_add(
    web: W, kind: F, source: F, language: F, date: F = "", witness: F = "", level: F = "",
    group: F = "", text: F = "", file: Annotated[UploadFile | None, File()] = None,
) -> Response:  # fmt: skip
    web.check("testimony-add")  # before the upload is read
    data, file_name = upload_bytes(file, text)
    with web.use() as s:
        made = service.add_testimony(
            s, data, kind=kind, source=source, language=language, date=date or None,
            witness=witness or None, level=level or None, group=group or None,
            name=file_name or "the text", file_name=file_name,
        )  # fmt: skip
    return back(f"/testimony/{made['id']}")


@router.get("/testimony/{testimony_id}")
def testimony_page(
    request: Request, web: W, testimony_id: str, protected: bool = False
) -> Response:
    with web.use() as s:
        if not s.may("testimonies"):
            one = publication.published_testimony(s, testimony_id, web.lang(request))
            return web.render(request, "published_testimony.html", t=one)
        shown = service.show_testimony(s, testimony_id, protected=protected)
        may_open = s.may("view-testimony-protected")
        found = suggesting.list_suggestions(s, testimony_id, protected=protected)
        may = {a: s.may(a) for a in ("testimony-suggest", "suggestion-accept",
                                     "suggestion-reject")}  # fmt: skip
        incidents = [str(i["id"]) for i in service.incidents(s)] if may["suggestion-accept"] else []
    return web.render(request, "testimony.html", t=shown, protected=protected,
                      may_open=may_open, suggestions=found, allowed=may, incidents=incidents,
                      roles=views.ROLES, levels=views.LEVELS)  # fmt: skip


@router.post("/testimony/{testimony_id}/suggest")
def testimony_suggest(web: W, testimony_id: str) -> Response:
    """Read suggestions from the testimony's text (reviewers and up); nothing enters the
    record until a person decides on each."""
    with web.use() as s:
        suggesting.suggest(s, testimony_id)
    return back(f"/testimony/{testimony_id}")


@router.post("/suggestion/{suggestion_id}")
def suggestion_decide(
    web: W, suggestion_id: str, testimony: F, decision: F, value: F = "", incident: F = "",
    role: F = "",
) -> Response:  # fmt: skip
    """Accept, correct or reject one suggestion, as ``testimony decide`` does."""
    with web.use() as s:
        suggesting.decide(s, suggestion_id, decision, value or None, incident=incident or None,
                          role=role or None)  # fmt: skip
    return back(f"/testimony/{testimony}")


@router.get("/incidents")
def incidents_page(request: Request, web: W) -> Response:
    with web.use() as s:
        if not s.may("incidents"):
            return _published_incidents(request, web, s)
        rows = service.incidents(s)
        labels = views.type_labels(s)
        may_add = s.may("incident-add")
    return web.render(request, "incidents.html", rows=rows, labels=labels, may_add=may_add)


@router.get("/incidents/new")
def incident_form(request: Request, web: W) -> Response:
    web.check("incident-add")
    with web.use() as s:
        types = service.incident_types(s)
        places = service.places(s)
    return web.render(request, "incident_new.html", types=types, places=places)


@router.post("/incidents")
def incident_add(
    web: W, type: F, start: F = "", end: F = "", place: F = "", summary: F = ""
) -> Response:  # fmt: skip
    with web.use() as s:
        made = service.add_incident(s, type, start=start or None, end=end or None,
                                    place=place or None, summary=summary or None)  # fmt: skip
    return back(f"/incident/{made}")


@router.get("/incident/{incident_id}")
def incident_page(
    request: Request, web: W, incident_id: str, protected: bool = False, q: str = ""
) -> Response:  # fmt: skip
    with web.use() as s:
        if not s.may("incidents"):
            one = publication.published_incident(s, incident_id, web.lang(request))
            return web.render(request, "published_incident.html", i=one,
                              labels=publication.type_labels(s))  # fmt: skip
        shown = service.incident(s, incident_id, protected=protected)
        labels = views.type_labels(s)
        may_edit = s.may("incident-involve")
        may_open = s.may("view-protected")
        found = web.search(s, q, limit=10) if q.strip() and may_edit else None
        chosen = service.testimonies(s) if s.may("incident-link") else []
    hits = [hit_dict(h) for h in found.hits] if found is not None else []
    return web.render(request, "incident.html", i=shown, labels=labels, may_edit=may_edit,
                      may_open=may_open, protected=protected, q=q, hits=hits,
                      roles=views.ROLES, testimonies=chosen)  # fmt: skip


@router.post("/incident/{incident_id}/involve")
def incident_involve(
    web: W, incident_id: str, role: F, person: F = "", unit: F = "", actor: F = ""
) -> Response:  # fmt: skip
    with web.use() as s:
        service.involve(s, incident_id, role, person=person or None, unit=unit or None,
                        actor=actor or None)  # fmt: skip
    return back(f"/incident/{incident_id}")


@router.post("/incident/{incident_id}/link")
def incident_link(web: W, incident_id: str, testimony: F, passage: F = "") -> Response:
    with web.use() as s:
        service.link(s, incident_id, testimony, passage or None)
    return back(f"/incident/{incident_id}")


@router.get("/places")
def places_page(request: Request, web: W) -> Response:
    with web.use() as s:
        if not s.may("incidents"):
            return web.render(request, "places.html", m=publication.published_map(s), may_add=False)
        drawn = views.place_map(s)
        may_add = s.may("place-add")
    return web.render(request, "places.html", m=drawn, may_add=may_add)


@router.post("/places")
def place_add(web: W, name: F, lat: F = "", lon: F = "") -> Response:
    latitude, longitude = _number(lat, "latitude"), _number(lon, "longitude")
    with web.use() as s:
        made = service.add_place(s, name, latitude, longitude)
    return back(f"/place/{made}")


def _number(value: str, what: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        raise InputError(f"{what} '{value.strip()[:40]}' is not a number") from None


@router.get("/place/{name:path}")
def place_page(request: Request, web: W, name: str) -> Response:
    with web.use() as s:
        if not s.may("incidents"):
            return _published_incidents(request, web, s, place=name)
        dossier = views.place_dossier(s, name)
        labels = views.type_labels(s)
    return web.render(request, "place.html", p=dossier, labels=labels)


def _published_incidents(
    request: Request, web: Web, s: Session, place: str | None = None
) -> Response:
    """The published incidents (at ``place``, by its id, when given): what a viewer sees."""
    heading = None
    if place is None:
        rows = publication.published_incidents(s, web.lang(request))
    else:
        heading, rows = publication.published_at(s, place, web.lang(request))
    return web.render(request, "published_incidents.html", rows=rows, heading=heading,
                      labels=publication.type_labels(s))  # fmt: skip


# -- import, export, editing ------------------------------------------------------------


@router.get("/testimonies/import")
def import_form(request: Request, web: W) -> Response:
    web.check("testimony-import")
    return web.render(request, "testimony_import.html", formats=bulk.IMPORT_FORMATS, result=None)


@router.post("/testimonies/import")
def import_upload(
    request: Request, web: W, file: Annotated[UploadFile, File()], format: F = "",
    mapping: Annotated[UploadFile | None, File()] = None,
) -> Response:  # fmt: skip
    """Take in every account of an uploaded table or form export, as ``testimony import``
    does (all or none): the counts, or the one line naming the row refused."""
    web.check("testimony-import")  # before the upload is saved
    with saved_upload(web, file, mapping) as (path, rules), web.use() as s:
        result = imported(s, path, format or None, rules, file.filename)
    return web.render(request, "testimony_import.html", formats=bulk.IMPORT_FORMATS, result=result)


@router.post("/incident/{incident_id}/edit")
def incident_edit(
    web: W, incident_id: str, type: F, start: F = "", end: F = "", place: F = "",
    summary: F = "",
) -> Response:  # fmt: skip
    """Change an incident's type, dates, place and summary, as ``incident edit`` does."""
    with web.use() as s:
        service.edit_incident(s, incident_id, kind=type, start=start, end=end, place=place,
                              summary=summary)  # fmt: skip
    return back(f"/incident/{incident_id}")


@router.post("/incident/{incident_id}/uninvolve")
def incident_uninvolve(web: W, incident_id: str, involvement: F) -> Response:
    with web.use() as s:
        service.remove_involvement(s, incident_id, involvement)
    return back(f"/incident/{incident_id}")


@router.post("/testimony/{testimony_id}/passage")
def testimony_passage(web: W, testimony_id: str, passage: F, level: F) -> Response:
    """Set the level of a passage (``START:END``), as ``testimony passage`` does."""
    with web.use() as s:
        service.mark_passage(s, testimony_id, passage, level)
    return back(f"/testimony/{testimony_id}")
