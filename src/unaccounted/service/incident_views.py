"""Incidents seen from elsewhere: a person's incidents, a unit's, a place's dossier, the map
of places, and the falsified missing-in-action reports the concealment report counts.

Everything here reads through :mod:`unaccounted.service.testimonies` and so asks for the
``incidents`` action: viewers see nothing of incidents. A page that also shows what a
viewer may see asks :func:`may_see` first and leaves the incidents out when it is False.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from unaccounted.service.session import Session
from unaccounted.service.testimonies import incidents, place
from unaccounted.testimony.text import KINDS, LEVELS, MAX_BYTES, ROLES
from unaccounted.testimony.vocabulary import shipped_types

__all__ = [
    "FALSIFIED_MIA",
    "KINDS",
    "LEVELS",
    "MAX_BYTES",
    "ROLES",
    "falsified_reports",
    "may_see",
    "person_incidents",
    "place_dossier",
    "place_map",
    "project",
    "type_labels",
    "unit_incidents",
]

#: The incident type that counts as concealment evidence for the units it involves.
FALSIFIED_MIA = "falsified_mia_report"
#: The size of the map's drawing (SVG user units) and its margin.
MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 640.0, 400.0, 24.0


def may_see(s: Session) -> bool:
    """Whether the actor may see incidents (reviewers and up)."""
    return s.may("incidents")


def type_labels(s: Session) -> dict[str, dict[str, str]]:
    """Each type code's label in English (``en``) and Russian (``ru``; English where the
    vocabulary has none): the shipped types, then the workspace's own."""
    labels = {x.code: {"en": x.label, "ru": x.label_ru or x.label} for x in shipped_types()}
    for row in s.read("incidents").incident_types():
        labels[str(row["code"])] = {"en": str(row["label"]), "ru": str(row["label"])}
    return labels


def _with_involvements(s: Session) -> list[dict[str, Any]]:
    """Every incident (with its grade) and its involvements; sealed names are not read."""
    rows = incidents(s)
    for row in rows:
        row["involved"] = s.store.involvements(str(row["id"]))
    return rows


def _summary(row: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {"id": row["id"], "type": row["type"], "from": row["from_edtf"], "to": row["to_edtf"],
            "place_id": row["place_id"], "place": row["place"], "summary": row["summary"],
            "grade": row["grade"]["grade"], "rule": row["grade"]["rule"],
            "testimonies": row["testimonies"], "roles": roles}  # fmt: skip


def person_incidents(s: Session, person_id: str) -> list[dict[str, Any]]:
    """The incidents ``person_id`` is involved in, earliest first, each with the person's
    roles in it and its grade."""
    out = []
    for row in _with_involvements(s):
        roles = sorted({str(i["role"]) for i in row["involved"] if i["person_id"] == person_id})
        if roles:
            out.append(_summary(row, roles))
    return out


def unit_incidents(s: Session, keys: list[str]) -> list[dict[str, Any]]:
    """The incidents that name a unit of one of ``keys`` (a unit's alias group), earliest
    first, each with the unit's roles in it and its grade."""
    wanted = set(keys)
    out = []
    for row in _with_involvements(s):
        roles = sorted({str(i["role"]) for i in row["involved"] if i["unit_key"] in wanted})
        if roles:
            out.append(_summary(row, roles))
    return out


def place_dossier(s: Session, name: str) -> dict[str, Any]:
    """A place found by its id, name or any alias: its aliases and coordinates, its
    incidents (earliest first, with grades), the span of their dates, the units named in
    them and the persons of the casualty records involved (held there, or otherwise), and
    the testimonies behind them. Separate actors' names are not shown here."""
    found = place(s, name)
    units: dict[str | None, set[str]] = defaultdict(set)
    people: dict[str, set[str]] = defaultdict(set)
    shown = []
    for row in found["incidents"]:
        involved = s.store.involvements(str(row["id"]))
        for i in involved:
            if i["unit_raw"]:  # a spelling the normalizer reads no key from: key None
                units[i["unit_key"] or None].add(str(i["unit_raw"]))
            if i["person_id"]:
                people[str(i["person_id"])].add(str(i["role"]))
        shown.append(_summary(row, sorted({str(i["role"]) for i in involved})))
    starts = [str(r["from_edtf"]) for r in found["incidents"] if r["from_edtf"]]
    ends = [str(r["to_edtf"] or r["from_edtf"]) for r in found["incidents"] if r["from_edtf"]]
    return {
        "id": found["id"], "name": found["name"], "aliases": found["aliases"],
        "latitude": found["latitude"], "longitude": found["longitude"], "incidents": shown,
        "dates": {"from": min(starts), "to": max(ends)} if starts else None,
        "units": [{"unit_key": k, "as_written": sorted(units[k])}
                  for k in sorted(units, key=lambda k: (k is None, k or ""))],
        "persons": [{"person_id": k, "roles": sorted(v)} for k, v in sorted(people.items())],
        "testimonies": found["testimonies"],
    }  # fmt: skip


def project(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Latitude/longitude pairs as x/y in the map's drawing: equirectangular, longitudes
    shrunk by the cosine of the middle latitude, fitted to the drawing with its margin,
    north up, the same scale on both axes. One point (or points at one spot) is drawn in
    the middle."""
    if not points:
        return []
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    xs, ys = [lon * shrink for lon in lons], [-lat for lat in lats]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN
    scale = min(inner_w / span_x if span_x else math.inf, inner_h / span_y if span_y else math.inf)
    if math.isinf(scale):
        return [(MAP_WIDTH / 2, MAP_HEIGHT / 2) for _ in points]
    left = MAP_MARGIN + (inner_w - span_x * scale) / 2
    top = MAP_MARGIN + (inner_h - span_y * scale) / 2
    return [(round(left + (x - min(xs)) * scale, 1), round(top + (y - min(ys)) * scale, 1))
            for x, y in zip(xs, ys, strict=True)]  # fmt: skip


def place_map(s: Session) -> dict[str, Any]:
    """The places with coordinates as points of a drawing (``project``), each with its
    number of incidents, and the places without coordinates. No outline is drawn: the
    package ships none, and nothing is fetched."""
    rows = s.read("incidents").places()
    count: dict[str, int] = defaultdict(int)
    for row in incidents(s):
        if row["place_id"]:
            count[str(row["place_id"])] += 1
    placed = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    xy = project([(float(r["latitude"]), float(r["longitude"])) for r in placed])
    points = [{"id": r["id"], "name": r["name"], "latitude": r["latitude"],
               "longitude": r["longitude"], "x": x, "y": y, "incidents": count[str(r["id"])]}
              for r, (x, y) in zip(placed, xy, strict=True)]  # fmt: skip
    unplaced = [{"id": r["id"], "name": r["name"], "incidents": count[str(r["id"])]}
                for r in rows if r not in placed]  # fmt: skip
    return {"width": MAP_WIDTH, "height": MAP_HEIGHT, "points": points, "unplaced": unplaced}


def falsified_reports(s: Session) -> dict[str, list[tuple[str, str]]]:
    """Unit key → the incidents of type ``falsified_mia_report`` that name the unit (in
    any role), each as (incident id, grade)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _with_involvements(s):
        if row["type"] != FALSIFIED_MIA:
            continue
        for key in sorted({str(i["unit_key"]) for i in row["involved"] if i["unit_key"]}):
            out[key].append((str(row["id"]), str(row["grade"]["grade"])))
    return dict(out)
