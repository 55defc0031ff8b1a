"""Incidents seen from elsewhere: a person's incidents, a unit's, a place's dossier, the map
of places, and the falsified missing-in-action reports the concealment report counts.

Everything here reads through :mod:`unaccounted.service.testimonies` and so asks for the
``incidents`` action: viewers see nothing of incidents. A page that also shows what a
viewer may see asks :func:`may_see` first and leaves the incidents out when it is False.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from unaccounted.service.session import Session
from unaccounted.service.testimonies import incidents, place, with_grades
from unaccounted.testimony.text import KINDS, LEVELS, MAX_BYTES, ROLES
from unaccounted.testimony.vocabulary import shipped_types

__all__ = [
    "FALSIFIED_MIA",
    "KINDS",
    "LEVELS",
    "MAX_BYTES",
    "ROLES",
    "drawing",
    "falsified_reports",
    "fit",
    "may_see",
    "outline",
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
#: The degrees of latitude the map shows around places at one spot.
ONE_SPOT_SPAN = 2.0
#: What the map shows when no place has coordinates: (south, west) and (north, east).
DEFAULT_VIEW = ((44.0, 22.0), (56.0, 50.0))


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
    roles in it and its grade (asked of the store, not found by reading every incident)."""
    rows = with_grades(s, s.read("incidents").incidents_involving(person_id=person_id))
    return [_summary(row, [str(r) for r in row["roles"]]) for row in rows]


def unit_incidents(s: Session, keys: list[str]) -> list[dict[str, Any]]:
    """The incidents that name a unit of one of ``keys`` (a unit's alias group), earliest
    first, each with the unit's roles in it and its grade."""
    rows = with_grades(s, s.read("incidents").incidents_involving(unit_keys=list(keys)))
    return [_summary(row, [str(r) for r in row["roles"]]) for row in rows]


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


@dataclass(frozen=True)
class Projection:
    """Latitude/longitude to x/y of the map's drawing: equirectangular, longitudes shrunk
    by ``shrink`` (the cosine of the middle latitude), ``scale`` units a degree, north up."""

    shrink: float
    scale: float
    x0: float  # the least shrunk longitude fitted
    y0: float  # the least negated latitude fitted
    left: float
    top: float

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (round(self.left + (lon * self.shrink - self.x0) * self.scale, 1),
                round(self.top + (-lat - self.y0) * self.scale, 1))  # fmt: skip


def fit(points: list[tuple[float, float]]) -> Projection:
    """The projection that fits ``points`` (latitude, longitude; at least one) to the
    drawing with its margin, the same scale on both axes. Points at one spot are drawn in
    the middle, at a scale that shows :data:`ONE_SPOT_SPAN` degrees of latitude."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    xs, ys = [lon * shrink for lon in lons], [-lat for lat in lats]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN
    scale = min(inner_w / span_x if span_x else math.inf, inner_h / span_y if span_y else math.inf)
    if math.isinf(scale):
        scale = inner_h / ONE_SPOT_SPAN
    left = MAP_MARGIN + (inner_w - span_x * scale) / 2
    top = MAP_MARGIN + (inner_h - span_y * scale) / 2
    return Projection(shrink, scale, min(xs), min(ys), left, top)


def project(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Latitude/longitude pairs as x/y in the map's drawing (:func:`fit`)."""
    if not points:
        return []
    fitted = fit(points)
    return [fitted.xy(lat, lon) for lat, lon in points]


@cache
def _outline_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("unaccounted.testimony").joinpath("map/outline.json").read_text("utf-8")
    )
    return data


def outline(projection: Projection) -> list[dict[str, str]]:
    """The shipped country outline (``testimony/map/``: Natural Earth, public domain) as SVG
    path data in ``projection``, one path per country (its ISO 3166 alpha-3 code), leaving
    out the rings that fall wholly outside the drawing."""
    out = []
    for code, rings in _outline_data()["countries"].items():
        parts = []
        for ring in rings:
            xy = [projection.xy(ring[i + 1] / 10, ring[i] / 10) for i in range(0, len(ring), 2)]
            xs, ys = [p[0] for p in xy], [p[1] for p in xy]
            if max(xs) < 0 or min(xs) > MAP_WIDTH or max(ys) < 0 or min(ys) > MAP_HEIGHT:
                continue
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in xy) + "Z")
        if parts:
            out.append({"country": code, "d": "".join(parts)})
    return out


def place_map(s: Session) -> dict[str, Any]:
    """The places with coordinates as points of a drawing (:func:`fit`), each with its
    number of incidents, the places without coordinates, and the country outline under
    the points in the same projection (:func:`outline`; with no point placed, the view is
    :data:`DEFAULT_VIEW`)."""
    rows = s.read("incidents").places()
    count: dict[str, int] = defaultdict(int)
    for row in incidents(s):
        if row["place_id"]:
            count[str(row["place_id"])] += 1
    return drawing([{"id": r["id"], "name": r["name"], "latitude": r["latitude"],
                     "longitude": r["longitude"], "incidents": count[str(r["id"])]}
                    for r in rows])  # fmt: skip


def drawing(places: list[dict[str, Any]]) -> dict[str, Any]:
    """The map of ``places`` (each with ``latitude`` and ``longitude``, either may be None):
    those with coordinates as points of the drawing (:func:`fit`, each given ``x`` and
    ``y``), the rest as ``unplaced``, and the country outline in the same projection."""
    placed = [p for p in places if p["latitude"] is not None and p["longitude"] is not None]
    spots = [(float(p["latitude"]), float(p["longitude"])) for p in placed]
    fitted = fit(spots or list(DEFAULT_VIEW))
    xy = [fitted.xy(lat, lon) for lat, lon in spots]
    points = [{**p, "x": x, "y": y} for p, (x, y) in zip(placed, xy, strict=True)]
    unplaced = [{k: v for k, v in p.items() if k not in ("latitude", "longitude")}
                for p in places if p not in placed]  # fmt: skip
    return {"width": MAP_WIDTH, "height": MAP_HEIGHT, "points": points, "unplaced": unplaced,
            "outline": outline(fitted), "outline_source": _outline_data()["source"]}  # fmt: skip


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
