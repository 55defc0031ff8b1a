"""Assisted extraction: suggestions read from a testimony's text by rules, and the
decision a person takes on each before anything enters the record."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.protect.conftest import store_bytes
from tests.testimonies.conftest import INTERVIEW, ROLES, add
from unaccounted.cli import app
from unaccounted.errors import InputError
from unaccounted.protect import KEY_FILE_ENV
from unaccounted.service import PermissionDenied, Session, protection
from unaccounted.service import suggestions as sg
from unaccounted.service import testimonies as service
from unaccounted.workspace import Workspace

#: An invented public report: a person with a rank in the genitive, a unit, a place, a
#: date, a sum, and two incident types.
TEXT = (
    "Рядового Сергея Иванова из в/ч 12345 держали в подвале школы в Зайцево с 3 марта 2024 "
    "года. Командир роты капитан Петров требовал 100 тысяч рублей.\n"
).encode()


def as_(ws: Workspace, who: str) -> Session:
    return Session.open(ws.root, who, permissions=ROLES)


@pytest.fixture
def world(ws: Workspace) -> Workspace:
    add(ws.root, TEXT, kind="media_report", source="gazette")
    with as_(ws, "rita") as s:
        sg.suggest(s, "T-1")
    return ws


def test_suggestions_on_a_literal_sentence(world: Workspace) -> None:
    with as_(world, "rita") as s:
        got = [(x.id, x.kind, x.start, x.end, x.quote, x.value, x.status)
               for x in sg.list_suggestions(s, "T-1")]  # fmt: skip
        # the name comes back in the nominative, the rank kept apart; the unit as its key;
        # the date in EDTF; the sum in roubles; the types from the keyword rules
        assert got == [
            ("S-1", "person", 9, 23, "Сергея Иванова", "Иванов Сергей", "open"),
            ("S-2", "unit", 27, 36, "в/ч 12345", "vch:12345", "open"),
            ("S-3", "incident_type", 37, 44, "держали", "unlawful_detention", "open"),
            ("S-4", "place", 63, 70, "Зайцево", "Зайцево", "open"),
            ("S-5", "date", 73, 90, "3 марта 2024 года", "2024-03-03", "open"),
            ("S-6", "person", 114, 120, "Петров", "Петров", "open"),
            ("S-7", "incident_type", 121, 129, "требовал", "extortion", "open"),
            ("S-8", "money", 130, 146, "100 тысяч рублей", "100000 RUB", "open"),
        ]
        assert sg.list_suggestions(s, "T-1")[0].detail == "rank: рядовой"
        assert sg.suggest(s, "T-1") == []  # the same spans are not suggested twice
        # nothing entered the record by suggesting
        assert (service.incidents(s), service.places(s)) == ([], [])


def test_decisions_enter_the_record_and_are_audited(world: Workspace) -> None:
    with as_(world, "ed") as s:
        detained = sg.decide(s, "S-3", "accept")
        assert (detained.status, detained.result) == ("accepted", "I-1")
        place = sg.decide(s, "S-4", "correct", "Зайцево, школа", incident="I-1")
        assert (place.status, place.decided_value, place.result) == (
            "corrected", "Зайцево, школа", "PL-1")  # fmt: skip
        sg.decide(s, "S-5", "accept", incident="I-1")
        sg.decide(s, "S-6", "accept", incident="I-1", role="perpetrator")
        sg.decide(s, "S-2", "accept", incident="I-1", role="commanding_unit")
        shown = service.incident(s, "I-1")
        custody = [e["command"] for e in service.custody(s, "T-1")]
    assert (shown["type"], shown["place"], shown["from_edtf"]) == (
        "unlawful_detention", "Зайцево, школа", "2024-03-03")  # fmt: skip
    assert [(x["testimony_id"], x["start"], x["end"]) for x in shown["support"]] == [
        ("T-1", 37, 44)]  # fmt: skip
    assert [(i["role"], i["actor_name"], i["unit_raw"], i["unit_key"])
            for i in shown["involvements"]] == [
        ("perpetrator", "Петров", None, None),
        ("commanding_unit", None, "в/ч 12345", "vch:12345"),
    ]  # fmt: skip
    # every decision is its own audited action in the testimony's chain of custody
    assert custody == ["testimony-add", "testimony-suggest", "incident-link",
                       "suggestion-accept", "suggestion-correct", "suggestion-accept",
                       "suggestion-accept", "suggestion-accept"]  # fmt: skip


def test_a_rejected_suggestion_changes_nothing(world: Workspace) -> None:
    with as_(world, "rita") as s:  # a reviewer may reject, not accept
        with pytest.raises(PermissionDenied, match="rita may not accept a suggestion"):
            sg.decide(s, "S-7", "accept")
        done = sg.decide(s, "S-7", "reject")
        assert (done.status, done.decided_value, done.result) == ("rejected", None, None)
        assert (service.incidents(s), service.places(s)) == ([], [])
        with pytest.raises(InputError, match="^suggestion S-7 was rejected by rita$"):
            sg.decide(s, "S-7", "reject")
        assert [e["command"] for e in service.custody(s, "T-1")][-1] == "suggestion-reject"


def test_suggestions_from_a_confidential_passage_stay_protected(ws: Workspace) -> None:
    add(ws.root, INTERVIEW)  # an interview: confidential, sealed at rest
    with as_(ws, "rita") as s:
        made = sg.suggest(s, "T-1")
        assert [(x.kind, x.quote, x.value) for x in made][:2] == [
            ("incident_type", "[protected]", "[protected]"),
            ("date", "[protected]", "[protected]")]  # fmt: skip
        opened = sg.list_suggestions(s, "T-1", protected=True)  # asked: audited
        assert [(x.kind, x.quote, x.value) for x in opened][:3] == [
            ("incident_type", "задержали", "unlawful_detention"),
            ("date", "3 марта", "XXXX-03-03"),
            ("place", "Тихой Заводи", "Тихая Заводь")]  # fmt: skip
        assert service.custody(s, "T-1")[-1]["command"] == "view-testimony-protected"
    assert "Тихая Заводь".encode() not in store_bytes(ws)  # the value is sealed at rest
    with as_(ws, "vera") as s, pytest.raises(PermissionDenied, match="vera may not see testim"):
        sg.list_suggestions(s, "T-1")
    with as_(ws, "vera") as s, pytest.raises(PermissionDenied, match="vera may not read sugg"):
        sg.suggest(s, "T-1")


def test_key_rotation_seals_suggestions_again(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "own.key"))  # rotation moves it
    add(ws.root, INTERVIEW)
    with as_(ws, "ed") as s:
        sg.suggest(s, "T-1")
        sg.decide(s, "S-3", "correct", "Тихая Заводь, склад")
    with Session.open(ws.root, "admin") as s:
        result = protection.rotate_key(s)
    # the original, and quote and value of each of the 5 suggestions, and one correction
    assert result["values_resealed"] == 1 + 2 * 5 + 1
    with as_(ws, "rita") as s:
        opened = sg.list_suggestions(s, "T-1", protected=True)
    assert [(x.id, x.quote, x.decided_value) for x in opened][2] == (
        "S-3", "Тихой Заводи", "Тихая Заводь, склад")  # fmt: skip


HOSTILE = [
    (("S-99", "accept"), {}, "no suggestion 'S-99' (see 'unaccounted testimony suggestions')"),
    (("S-1", "approve"), {}, "unknown decision 'approve'; choose one of accept, correct, reject"),
    (("S-1", "correct"), {}, "correct needs --value, the right value"),
    (("S-1", "correct", "a\nb"), {}, "the value has control characters or line breaks"),
    (("S-1", "reject", "Петров"), {}, "--value goes with correct, not reject"),
    (("S-1", "accept"), {"role": "victim"}, "--role goes with --incident"),
    (("S-1", "accept"), {"incident": "I-1"}, "no incident 'I-1' (see 'unaccounted "
                                             "incident list')"),
    # a place is not added when the incident it was meant for does not exist
    (("S-4", "accept"), {"incident": "I-7"}, "no incident 'I-7' (see 'unaccounted "
                                             "incident list')"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "options", "message"), HOSTILE)
def test_hostile_decisions_are_refused_in_one_line(
    world: Workspace, args: tuple[str, ...], options: dict[str, str], message: str
) -> None:
    with as_(world, "ed") as s:
        with pytest.raises(InputError) as caught:
            sg.decide(s, *args, **options)  # type: ignore[arg-type]
        assert str(caught.value) == message
        assert {x.status for x in sg.list_suggestions(s, "T-1")} == {"open"}  # nothing lost
        assert (service.incidents(s), service.places(s)) == ([], [])


def test_a_person_needs_a_role_in_an_incident(world: Workspace) -> None:
    with as_(world, "ed") as s:
        service.add_incident(s, "torture")
        with pytest.raises(InputError) as caught:
            sg.decide(s, "S-1", "accept", incident="I-1")
        assert str(caught.value) == (
            "give --role with --incident for a person (victim, perpetrator, ...)"
        )
        assert service.incident(s, "I-1")["involvements"] == []


def test_a_testimony_not_in_russian_is_refused(ws: Workspace) -> None:
    add(ws.root, b"They held us in a basement.\n", kind="media_report", language="en")
    with as_(ws, "rita") as s, pytest.raises(InputError, match="^testimony T-1 is in 'en';"):
        sg.suggest(s, "T-1")


def test_the_cli_suggests_and_decides(world: Workspace) -> None:
    runner = CliRunner()
    base = ["--workspace", str(world.root)]
    r = runner.invoke(app, [*base, "testimony", "suggestions", "T-1"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == (
        "S-1  9:23  person  «Сергея Иванова»  Иванов Сергей  [rank: рядовой]  open"
    )
    r = runner.invoke(app, [*base, "testimony", "decide", "S-8", "correct", "--value",
                            "200000 RUB"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "S-8 corrected" in r.output
    r = runner.invoke(app, [*base, "testimony", "decide", "S-8", "reject"])
    # the command line's error handler prints this one line and exits 2
    assert isinstance(r.exception, InputError)
    assert str(r.exception).startswith("suggestion S-8 was corrected by ")
