"""Incidents seen from elsewhere (``service/incident_views.py``): the map's projection, the
place dossier, a person's and a unit's incidents, and the falsified missing-in-action
reports the concealment report counts; viewers are refused them all."""

from __future__ import annotations

import pytest

from tests.testimonies.conftest import REPORT, ROLES, add, editor
from unaccounted.service import PermissionDenied, Session
from unaccounted.service import incident_views as views
from unaccounted.service import testimonies as service
from unaccounted.workspace import Workspace


def test_the_projection_keeps_north_up_and_one_scale_for_both_axes() -> None:
    # (0, 0) and (10, 10): longitudes shrink by cos 5°, so the latitude span (10) is the
    # larger; it fills the 352 units between the margins (scale 35.2) and the points are
    # centred across: left = 24 + (592 - 10·cos 5°·35.2) / 2.
    assert views.project([(0.0, 0.0), (10.0, 10.0)]) == [(144.7, 376.0), (495.3, 24.0)]
    # one place, or places at one spot: the middle of the drawing
    assert views.project([(47.25, 38.5)]) == [(320.0, 200.0)]
    assert views.project([]) == []


def test_dossier_map_and_falsified_reports(ws: Workspace) -> None:
    add(ws.root, REPORT, kind="media_report", source="paper")  # T-1
    with editor(ws.root) as s:
        service.add_place(s, "Тихая Заводь, склад", 47.25, 38.5)
        service.alias_place(s, "Тихая Заводь, склад", "Tikhaya Zavod warehouse")
        service.add_place(s, "no coordinates")
        service.add_incident(s, "unlawful_detention", start="2024-03", end="2024-03-17",
                             place="tikhaya zavod warehouse")  # fmt: skip
        service.add_incident(
            s, "falsified_mia_report", start="2024-02", place="Тихая заводь, склад"
        )
        service.involve(s, "I-1", "perpetrator", unit="25 ОМСБр")
        service.involve(s, "I-2", "commanding_unit", unit="25-я бригада")
        service.involve(s, "I-2", "commanding_unit", unit="в/ч 11111")
        service.link(s, "I-2", "T-1")
        dossier = views.place_dossier(s, "TIKHAYA ZAVOD WAREHOUSE")
        drawn = views.place_map(s)
        falsified = views.falsified_reports(s)
        unit = views.unit_incidents(s, ["omsbr:25"])
    assert (dossier["id"], dossier["aliases"]) == ("PL-1", ["Tikhaya Zavod warehouse"])
    # earliest first; the span from the earliest start to the latest end
    assert [x["id"] for x in dossier["incidents"]] == ["I-2", "I-1"]
    assert dossier["dates"] == {"from": "2024-02", "to": "2024-03-17"}
    # «25-я бригада» names no brigade type, so the normalizer reads no key from it
    assert dossier["units"] == [
        {"unit_key": "omsbr:25", "as_written": ["25 ОМСБр"]},
        {"unit_key": "vch:11111", "as_written": ["в/ч 11111"]},
        {"unit_key": None, "as_written": ["25-я бригада"]}]  # fmt: skip
    assert dossier["testimonies"] == ["T-1"]
    assert [(p["id"], p["x"], p["y"], p["incidents"]) for p in drawn["points"]] == [
        ("PL-1", 320.0, 200.0, 2)]  # fmt: skip
    assert drawn["unplaced"] == [{"id": "PL-2", "name": "no coordinates", "incidents": 0}]
    # one media report: unverified
    assert falsified == {"vch:11111": [("I-2", "unverified")]}
    assert [(x["id"], x["roles"]) for x in unit] == [("I-1", ["perpetrator"])]


def test_a_viewer_is_refused_and_the_concealment_report_leaves_the_reports_out(
    ws: Workspace,
) -> None:
    with Session.open(ws.root, "vera", permissions=ROLES) as s:
        assert views.may_see(s) is False
        for call in (lambda: views.place_map(s), lambda: views.falsified_reports(s),
                     lambda: views.person_incidents(s, "P-1")):  # fmt: skip
            with pytest.raises(PermissionDenied, match="vera may not see incidents"):
                call()
    with Session.open(ws.root, "rita", permissions=ROLES) as s:
        assert views.may_see(s) is True and views.person_incidents(s, "P-1") == []


def test_the_outline_is_drawn_in_the_points_projection() -> None:
    # Kyiv and Mariupol: the latitude span (3.35°) fills the 352 units between the margins
    # (scale 105.07), and the longitudes, shrunk by cos 48.775°, are centred across
    fitted = views.fit([(50.45, 30.52), (47.1, 37.55)])
    assert views.project([(50.45, 30.52), (47.1, 37.55)]) == [(76.6, 24.0), (563.4, 376.0)]
    assert round(fitted.scale, 2) == 105.07 and fitted.xy(50.45, 30.52) == (76.6, 24.0)
    drawn = views.outline(fitted)
    # only the countries with a ring reaching into the drawing, in code order
    assert [c["country"] for c in drawn] == ["MDA", "ROU", "RUS", "UKR"]
    # Ukraine's ring starts at 23.5° E, 51.6° N (tenths of a degree in the shipped file),
    # projected as the points are: left of and above the drawing
    ukraine = next(c["d"] for c in drawn if c["country"] == "UKR")
    assert fitted.xy(51.6, 23.5) == (-409.5, -96.8)
    assert ukraine.startswith("M-409.5 -96.8L") and ukraine.endswith("Z")
    # the default view (no place has coordinates) shows the whole region
    default = views.outline(views.fit(list(views.DEFAULT_VIEW)))
    assert {"BLR", "MDA", "POL", "RUS", "UKR"} <= {c["country"] for c in default}
    # one spot: two degrees of latitude tall, the point in the middle
    one = views.fit([(47.25, 38.5)])
    assert (one.xy(47.25, 38.5), one.xy(48.25, 38.5)) == ((320.0, 200.0), (320.0, 24.0))


def _inside(lat: float, lon: float, ring: list[int]) -> bool:
    """Whether a point is inside a ring of the shipped outline (ray casting)."""
    xs, ys = ring[0::2], ring[1::2]
    x, y, inside = lon * 10, lat * 10, False
    for i in range(len(xs)):
        x1, y1, x2, y2 = xs[i - 1], ys[i - 1], xs[i], ys[i]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_the_shipped_outline_puts_capitals_in_their_countries() -> None:
    countries = views._outline_data()["countries"]
    # Kyiv, Moscow, Minsk, Warsaw, Chișinău (a check that longitude and latitude are in order)
    for lat, lon, code in ((50.45, 30.52, "UKR"), (55.75, 37.62, "RUS"), (53.9, 27.57, "BLR"),
                           (52.23, 21.01, "POL"), (47.01, 28.86, "MDA")):  # fmt: skip
        found = sorted(
            c for c, rings in countries.items() if any(_inside(lat, lon, r) for r in rings)
        )
        assert found == [code], (lat, lon)
