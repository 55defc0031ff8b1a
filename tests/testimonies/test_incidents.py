"""Incidents: the vocabulary and its extension, places with aliases, involvements, and
corroboration graded with the grading rules and independence groups."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.testimonies.conftest import INTERVIEW, REPORT, ROLES, add, editor
from unaccounted.errors import InputError
from unaccounted.resolve.rules import default_rules
from unaccounted.service import PermissionDenied, Session
from unaccounted.service import testimonies as service
from unaccounted.testimony.grade import Support, grade_incident
from unaccounted.workspace import Workspace

#: The types the vocabulary must name.
NAMED = ["unlawful_detention", "torture", "extortion", "coerced_enlistment", "forced_assault",
         "denial_of_medevac", "falsified_mia_report", "forced_signature", "execution"]  # fmt: skip


def test_the_vocabulary_ships_the_named_types_and_a_workspace_extends_it(ws: Workspace) -> None:
    with editor(ws.root) as s:
        shipped = [x.code for x in service.incident_types(s)]
        assert shipped[: len(NAMED)] == NAMED
        assert service.add_incident_type(s, "Cage-Confinement", "confinement in a cage") == (
            "cage_confinement")  # fmt: skip
        last = service.incident_types(s)[-1]
        assert (last.code, last.label, last.origin) == (
            "cage_confinement", "confinement in a cage", "workspace")  # fmt: skip
        assert service.add_incident(s, "cage confinement", start="2024-05") == "I-1"
        with pytest.raises(InputError, match="incident type 'torture' exists"):
            service.add_incident_type(s, "torture", "again")
        with pytest.raises(InputError, match="unknown incident type 'waterboarding'"):
            service.add_incident(s, "waterboarding")
        with pytest.raises(InputError, match="must be lower-case letters"):
            service.add_incident_type(s, "1bad", "bad")


def test_places_are_found_by_any_alias_and_dates_are_intervals(ws: Workspace) -> None:
    with editor(ws.root) as s:
        assert service.add_place(s, "Тихая Заводь", 47.25, 38.5) == "PL-1"
        service.alias_place(s, "PL-1", "Tikhaya Zavod")
        service.alias_place(s, "тихая заводь", "«Тихая Заводь», склад")
        iid = service.add_incident(s, "unlawful_detention", start="2024-03", end="2024-04-02",
                                   place="TIKHAYA  ZAVOD")  # fmt: skip
        row = service.incident(s, iid)
        (place,) = service.places(s)
        with pytest.raises(InputError, match="'tikhaya zavod' already names PL-1"):
            service.alias_place(s, "PL-1", "tikhaya zavod")
        with pytest.raises(InputError, match="no place named 'Нигде'"):
            service.add_incident(s, "torture", place="Нигде")
        with pytest.raises(InputError, match="--to 2024-01 is before --from 2024-03"):
            service.add_incident(s, "torture", start="2024-03", end="2024-01")
    assert (row["place_id"], row["from_lo"], row["to_hi"]) == (
        "PL-1", dt.date(2024, 3, 1), dt.date(2024, 4, 2))  # fmt: skip
    assert place["aliases"] == ["Tikhaya Zavod", "«Тихая Заводь», склад"]
    assert (place["latitude"], place["longitude"]) == (47.25, 38.5)


def test_involvements_link_persons_units_and_actors(ws: Workspace) -> None:
    with editor(ws.root) as s:
        iid = service.add_incident(s, "extortion", start="2024-03")
        service.involve(s, iid, "perpetrator", unit="25-я отдельная мотострелковая бригада")
        service.involve(s, iid, "victim", actor="Пётр Выдуманный")
        service.involve(s, iid, "complaint-official", actor="прокурор гарнизона")
        with pytest.raises(InputError, match="no person 'P404'"):
            service.involve(s, iid, "victim", person="P404")
        with pytest.raises(InputError, match="name exactly one of --person, --unit or --actor"):
            service.involve(s, iid, "victim", unit="25 ОМСБр", actor="Некто")
        with pytest.raises(InputError, match="unknown role 'bystander'"):
            service.involve(s, iid, "bystander", actor="Некто")
        shown = service.incident(s, iid)["involvements"]
        opened = service.incident(s, iid, protected=True)["involvements"]
    got = [(i["role"], i["unit_key"], i["actor_name"]) for i in shown]
    assert got == [("perpetrator", "omsbr:25", None), ("victim", None, "[protected]"),
                   ("complaint_official", None, "прокурор гарнизона")]  # fmt: skip
    assert opened[1]["actor_name"] == "Пётр Выдуманный"


def grade_of(ws: Workspace, iid: str) -> tuple[str, str, list[str]]:
    with editor(ws.root) as s:
        g = service.incident(s, iid)["grade"]
    return g["grade"], g["rule"], g["groups"]


def test_two_independent_testimonies_confirm_two_copies_do_not(ws: Workspace) -> None:
    add(ws.root, INTERVIEW, source="interview-1")  # T-1
    add(ws.root, REPORT, kind="media_report", source="gazette")  # T-2, another group
    add(ws.root, INTERVIEW, kind="written_statement", source="letter")  # T-3: a copy of T-1
    add(ws.root, REPORT, kind="media_report", source="reprint", group="gazette")  # T-4
    with editor(ws.root) as s:
        for _ in range(4):
            service.add_incident(s, "unlawful_detention", start="2024-03")
        service.link(s, "I-1", "T-1", "0:40")
        service.link(s, "I-1", "T-2")  # one account and an independent one
        service.link(s, "I-2", "T-1")
        service.link(s, "I-2", "T-3")  # the same bytes under another source: one account
        service.link(s, "I-3", "T-2")
        service.link(s, "I-3", "T-4")  # a reprint in the report's group
    assert grade_of(ws, "I-1") == ("confirmed", "independent-groups", ["gazette", "interview-1"])
    assert grade_of(ws, "I-2") == ("unverified", "single-source", ["interview-1"])
    assert grade_of(ws, "I-3") == ("unverified", "single-source", ["gazette"])
    assert grade_of(ws, "I-4") == ("unverified", "single-source", [])  # no testimony yet


def test_a_court_document_confirms_alone_by_the_rules_file() -> None:
    rules = default_rules()
    court = grade_incident([Support("T-1", "court", "court-1")], rules)
    one = grade_incident([Support("T-1", "testimony", "a"), Support("T-2", "testimony", "a")],
                         rules)  # fmt: skip
    assert (court.grade, court.rule, court.testimonies) == (
        "confirmed", "official-document", ["T-1"])  # fmt: skip
    assert (one.grade, one.rule, one.groups) == ("unverified", "single-source", ["a"])


def test_a_testimony_of_a_named_source_takes_its_independence_group(
    ws: Workspace, cli: object
) -> None:
    from tests.conftest import write_csv

    path = write_csv(ws.root.parent / "obits.csv", ["full_name", "status"],
                     [["Сидоров Иван", "погиб"]])  # fmt: skip
    for args in (("ingest", str(path)), ("sources", "--group", "obits=family-network")):
        r = cli(*args)  # type: ignore[operator]
        assert r.exit_code == 0, r.output
    add(ws.root, REPORT, kind="media_report", source="obits")
    with editor(ws.root) as s:
        assert s.store.testimony("T-1")["independence_group"] == "family-network"  # type: ignore[index]


def test_a_place_gathers_its_incidents_under_any_spelling(ws: Workspace) -> None:
    add(ws.root, INTERVIEW)  # T-1
    add(ws.root, REPORT, kind="media_report", source="gazette")  # T-2
    with editor(ws.root) as s:
        service.add_place(s, "Тихая Заводь")
        service.add_place(s, "Горелая Балка")
        service.alias_place(s, "PL-1", "Tikhaya Zavod")
        service.add_incident(s, "unlawful_detention", start="2024-03", place="Тихая заводь")
        service.add_incident(s, "torture", start="2024-02", place="tikhaya zavod")
        service.add_incident(s, "execution", start="2024-01", place="Горелая Балка")
        service.link(s, "I-1", "T-1")
        service.link(s, "I-2", "T-2")
        service.link(s, "I-3", "T-1")
        shown = service.place(s, "TIKHAYA ZAVOD")
    assert (shown["id"], shown["name"]) == ("PL-1", "Тихая Заводь")
    # both spellings' incidents, earliest first; the other place's not
    assert [(i["id"], i["type"]) for i in shown["incidents"]] == [
        ("I-2", "torture"),
        ("I-1", "unlawful_detention"),
    ]
    assert shown["testimonies"] == ["T-1", "T-2"]


def test_an_involvement_is_removed_as_an_audited_event(ws: Workspace) -> None:
    with editor(ws.root) as s:
        iid = service.add_incident(s, "extortion", start="2024-03")
        service.involve(s, iid, "perpetrator", unit="25 ОМСБр")  # 1
        service.involve(s, iid, "witness", actor="Пётр Выдуманный")  # 2: sealed
        service.involve(s, iid, "commanding_unit", unit="в/ч 11111")  # 3
        assert service.remove_involvement(s, iid, 2) == {"involvement": 2, "role": "witness"}
        assert service.remove_involvement(s, iid, "1") == {
            "involvement": 1,
            "role": "perpetrator",
            "unit": "25 ОМСБр",
            "unit_key": "omsbr:25",
        }
        for bad, message in ((2, "no involvement '2' in incident I-1"),
                             ("x", "no involvement 'x' in incident I-1")):  # fmt: skip
            with pytest.raises(InputError, match=message):
                service.remove_involvement(s, iid, bad)
        with pytest.raises(InputError, match="no incident 'I-9'"):
            service.remove_involvement(s, "I-9", 3)
        left = [(i["id"], i["role"]) for i in service.incident(s, iid)["involvements"]]
        events = [(e["command"], e["args"]) for e in s.store.events()]
    assert left == [(3, "commanding_unit")]
    # each removal is one event naming what was removed (never a sealed name); the refused
    # ones wrote nothing
    removals = [args for command, args in events if command == "incident-uninvolve"]
    assert len(removals) == 2 and "Пётр" not in str(removals)
    with (
        Session.open(ws.root, "rita", permissions=ROLES) as s,
        pytest.raises(PermissionDenied, match="rita may not remove an involvement"),
    ):
        service.remove_involvement(s, iid, 3)
