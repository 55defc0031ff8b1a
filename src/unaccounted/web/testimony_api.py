"""The JSON API of accounts of abuse under ``/api``: testimonies, incidents, incident types,
places, the map of places, and a person's and a unit's incidents; importing accounts,
exporting incidents, changing an incident, removing an involvement and setting a passage's
level (docs/testimonies.md). The service decides who may do what: a viewer (who may not
see testimonies or incidents) reads the published forms on the reading routes — the
accounts' public passages with names withheld, the published incidents and their places
(``service/testimony_publication.py``) — and is refused the rest."""

from __future__ import annotations

import dataclasses
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from unaccounted.service import incident_views as views
from unaccounted.service import persons
from unaccounted.service import suggestions as suggesting
from unaccounted.service import testimonies as service
from unaccounted.service import testimony_io as bulk
from unaccounted.service import testimony_publication as publication
from unaccounted.web.app import Web, web_of
from unaccounted.web.testimony_pages import upload_bytes
from unaccounted.web.uploads import imported, saved_upload

router = APIRouter(prefix="/api", tags=["testimonies"])
W = Annotated[Web, Depends(web_of)]
F = Annotated[str, Form()]
Maybe = Annotated[str | None, Form()]
#: The media type of each export format.
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "ftm": "application/x-ndjson"}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as JSON values (times as ISO text)."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


@router.get("/testimonies")
def testimonies(web: W) -> list[dict[str, Any]]:
    """Every testimony's facts (never its text or its witness's name), earliest first; for
    a viewer, the published accounts' facts."""
    with web.use() as s:
        if not s.may("testimonies"):
            return [_plain(r) for r in publication.published_testimonies(s)]
        return [_plain(r) for r in service.testimonies(s)]


@router.post("/testimonies")
def testimony_add(
    web: W, kind: F, source: F, language: F, date: F = "", witness: F = "", level: F = "",
    group: F = "", text: F = "", file: Annotated[UploadFile | None, File()] = None,
) -> dict[str, Any]:  # fmt: skip
    """Take in a testimony: a file, or its text; editors only. Returns its id, SHA-256,
    level and witness id."""
    web.check("testimony-add")  # before the upload is read
    data, file_name = upload_bytes(file, text)
    with web.use() as s:
        return service.add_testimony(
            s, data, kind=kind, source=source, language=language, date=date or None,
            witness=witness or None, level=level or None, group=group or None,
            name=file_name or "the text", file_name=file_name,
        )  # fmt: skip


@router.get("/testimonies/{testimony_id}")
def testimony(
    request: Request, web: W, testimony_id: str, protected: bool = False
) -> dict[str, Any]:  # fmt: skip
    """A testimony: what is not public reads ``[protected]``; ``protected=true`` opens it
    for a reviewer (an audited event). A viewer gets its published form (public passages,
    names withheld in the language of the request) or not found."""
    with web.use() as s:
        if not s.may("testimonies") and not protected:
            return _plain(publication.published_testimony(s, testimony_id, web.lang(request)))
        shown = service.show_testimony(s, testimony_id, protected=protected)
    return {**_plain(shown), "passages": [_plain(p) for p in shown["passages"]],
            "custody": [_plain(c) for c in shown["custody"]]}  # fmt: skip


@router.get("/incident-types")
def incident_types(web: W) -> list[dict[str, Any]]:
    with web.use() as s:
        return [dataclasses.asdict(x) for x in service.incident_types(s)]


@router.get("/incidents")
def incidents(request: Request, web: W) -> list[dict[str, Any]]:
    """Every incident with its grade, earliest first (the timeline); for a viewer, the
    published incidents in their published form."""
    with web.use() as s:
        if not s.may("incidents"):
            return [_plain(r) for r in publication.published_incidents(s, web.lang(request))]
        return [_plain(r) for r in service.incidents(s)]


@router.post("/incidents")
def incident_add(
    web: W, type: F, start: F = "", end: F = "", place: F = "", summary: F = ""
) -> dict[str, Any]:  # fmt: skip
    """Add an incident (editors); ``type`` from the vocabulary, ``place`` by any alias."""
    with web.use() as s:
        made = service.add_incident(s, type, start=start or None, end=end or None,
                                    place=place or None, summary=summary or None)  # fmt: skip
    return {"id": made}


@router.get("/incidents/{incident_id}")
def incident(
    request: Request, web: W, incident_id: str, protected: bool = False
) -> dict[str, Any]:  # fmt: skip
    """An incident with its involvements (sealed names read ``[protected]`` unless
    ``protected=true`` for a reviewer, an audited event), support and grade; for a viewer,
    its published form, or not found."""
    with web.use() as s:
        if not s.may("incidents") and not protected:
            return _plain(publication.published_incident(s, incident_id, web.lang(request)))
        shown = service.incident(s, incident_id, protected=protected)
    return {**_plain(shown), "involvements": [_plain(x) for x in shown["involvements"]],
            "support": [_plain(x) for x in shown["support"]]}  # fmt: skip


@router.post("/incidents/{incident_id}/involvements")
def involve(
    web: W, incident_id: str, role: F, person: F = "", unit: F = "", actor: F = ""
) -> dict[str, Any]:  # fmt: skip
    """Name one person (``P-…``), unit or separate actor involved in ``role``."""
    with web.use() as s:
        return {"involvement": service.involve(s, incident_id, role, person=person or None,
                                               unit=unit or None, actor=actor or None)}  # fmt: skip


@router.post("/incidents/{incident_id}/testimonies")
def link(web: W, incident_id: str, testimony: F, passage: F = "") -> dict[str, Any]:
    """Link a testimony (or a passage, ``START:END``) that supports the incident."""
    with web.use() as s:
        return {"linked": service.link(s, incident_id, testimony, passage or None)}


@router.get("/places")
def places(web: W) -> dict[str, Any]:
    """The places with coordinates as points of the map's drawing, and the rest; for a
    viewer, the places of published incidents."""
    with web.use() as s:
        if not s.may("incidents"):
            return publication.published_map(s)
        return views.place_map(s)


@router.post("/places")
def place_add(
    web: W, name: F, lat: Annotated[float | None, Form()] = None,
    lon: Annotated[float | None, Form()] = None,
) -> dict[str, Any]:  # fmt: skip
    with web.use() as s:
        return {"id": service.add_place(s, name, lat, lon)}


@router.get("/places/{name:path}")
def place(request: Request, web: W, name: str) -> dict[str, Any]:
    """A place's dossier, found by its id, name or any alias; for a viewer, the place and
    its published incidents, or not found."""
    with web.use() as s:
        if not s.may("incidents"):
            heading, rows = publication.published_at(s, name, web.lang(request))
            return {"name": heading, "incidents": [_plain(r) for r in rows]}
        return views.place_dossier(s, name)


@router.get("/person-incidents/{person_id}")
def person_incidents(web: W, person_id: str) -> list[dict[str, Any]]:
    """The incidents a person of the casualty records is involved in."""
    with web.use() as s:
        persons.person(s, person_id)  # a one-line 404 for a person who is not there
        return views.person_incidents(s, person_id)


@router.get("/unit-incidents/{key:path}")
def unit_incidents(web: W, key: str) -> list[dict[str, Any]]:
    """The incidents naming a unit (any key or spelling of its alias group)."""
    with web.use() as s:
        return views.unit_incidents(s, persons.unit(s, key)["keys"])


@router.get("/testimonies/{testimony_id}/suggestions")
def suggestions(web: W, testimony_id: str, protected: bool = False) -> list[dict[str, Any]]:
    """A testimony's suggestions in the order of its text, with their decisions; what
    touches a part that is not public reads ``[protected]`` unless ``protected=true``
    (reviewers and up, an audited event)."""
    with web.use() as s:
        found = suggesting.list_suggestions(s, testimony_id, protected=protected)
    return [dataclasses.asdict(x) for x in found]


@router.post("/testimonies/{testimony_id}/suggestions")
def suggest(web: W, testimony_id: str) -> list[dict[str, Any]]:
    """Read suggestions from a Russian testimony's text (reviewers and up); returns the new
    ones. Nothing enters the record until a person decides on each."""
    with web.use() as s:
        return [dataclasses.asdict(x) for x in suggesting.suggest(s, testimony_id)]


@router.post("/suggestions/{suggestion_id}")
def decide(
    web: W, suggestion_id: str, decision: F, value: F = "", incident: F = "", role: F = ""
) -> dict[str, Any]:
    """Accept or correct (editors: enters the record, into ``incident`` as ``role`` for
    people, units and dates) or reject (reviewers) a suggestion, once; returns it."""
    with web.use() as s:
        done = suggesting.decide(s, suggestion_id, decision, value or None,
                                 incident=incident or None, role=role or None)  # fmt: skip
    return dataclasses.asdict(done)


# -- import, export, editing ------------------------------------------------------------


@router.post("/testimonies/import")
def testimony_import(
    web: W, file: Annotated[UploadFile, File()], format: F = "",
    mapping: Annotated[UploadFile | None, File()] = None,
) -> dict[str, Any]:  # fmt: skip
    """Take in every account of a CSV or JSON table or an ODK/Kobo export (``format``:
    guessed from the file when empty; ``mapping``: YAML), all or none, as ``testimony
    import`` does (editors). Returns the testimonies taken in, the incidents made, the
    submissions skipped and the form's fields left out; a refused row is a 400 naming it."""
    web.check("testimony-import")  # before the upload is saved
    with saved_upload(web, file, mapping) as (path, rules), web.use() as s:
        return imported(s, path, format or None, rules, file.filename)


@router.get("/export/incidents.{fmt}")
def export_incidents(
    web: W, fmt: str, protected: bool = False, published: bool = False
) -> Response:  # fmt: skip
    """Every incident as ``incident export`` writes it: ``csv``, or ``ftm`` (FollowTheMoney
    entities as JSON lines); reviewers and up. Sealed names read ``[protected]``;
    ``protected=true`` (editors) opens them, an audited ``export-protected`` event.
    ``published=true`` (anyone who may read published accounts: a viewer gets it without
    asking) writes the published incidents in their published form, as ``incident export
    --published``."""
    out = io.StringIO()
    with web.use() if protected else web.read() as s:
        published = published or (not protected and not s.may("export-incidents"))
        count = bulk.export_incidents(s, fmt, protected=protected, stream=out,
                                      published=published)  # fmt: skip
    name = "incidents.csv" if fmt == "csv" else "incidents.ftm.json"
    return Response(out.getvalue(), media_type=EXPORT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Count": str(count)})  # fmt: skip


@router.patch("/incidents/{incident_id}")
def incident_edit(
    web: W, incident_id: str, type: Maybe = None, start: Maybe = None, end: Maybe = None,
    place: Maybe = None, summary: Maybe = None,
    no_place: Annotated[bool, Form()] = False,
) -> dict[str, Any]:  # fmt: skip
    """Change an incident's type, dates (``start``, ``end``), place (``no_place=true``:
    none) or summary, as ``incident edit`` does (editors); a field not sent, or sent
    empty, stays. Returns the fields changed."""
    with web.use() as s:
        done = service.edit_incident(s, incident_id, kind=type, start=start, end=end,
                                     place="" if no_place else place,
                                     summary=summary)  # fmt: skip
    return {"changed": sorted(done)}


@router.delete("/incidents/{incident_id}/involvements/{involvement}")
def uninvolve(web: W, incident_id: str, involvement: int) -> dict[str, Any]:
    """Remove one involvement from an incident (editors); returns what the audit log keeps
    of it (its role and person or unit, never a sealed name)."""
    with web.use() as s:
        return {"removed": service.remove_involvement(s, incident_id, involvement)}


@router.post("/testimonies/{testimony_id}/passages")
def passage(web: W, testimony_id: str, passage: F, level: F) -> dict[str, Any]:
    """Set the level of a passage (``START:END``) of a testimony (editors), as ``testimony
    passage`` does; a confidential passage of an original kept in the clear seals it."""
    with web.use() as s:
        return service.mark_passage(s, testimony_id, passage, level)
