"""Publication: an account is published as its public passages only, with every person's name
withheld unless an editor cleared it (quoted speech read more strictly); an incident is
published when an editor marks it, naming only cleared people; clearing and marking are
audited and refused below editors; viewers get the published forms in the CLI and the
export. Every account here is invented."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.testimonies.conftest import ROLES, add
from unaccounted.cli import app
from unaccounted.errors import InputError
from unaccounted.service import PermissionDenied, Session, accounts
from unaccounted.service import testimonies as service
from unaccounted.service import testimony_io as io_service
from unaccounted.service import testimony_publication as publication
from unaccounted.testimony import publish as pub
from unaccounted.workspace import Workspace

#: A public report: a name after a rank, a nickname and a first name in quoted speech, a
#: place in quoted speech, and a name after a post.
REPORT = ("Рядовой Пётр Сомов рассказал: «Нас держал Шмель, а потом Коля увёз в Горловку». "
          "Командир роты Волков требовал денег.\n")  # fmt: skip
#: An interview (confidential) with one public sentence at its end (characters 62:79).
INTERVIEW = ("Меня задержали 3 марта. Секрет: фамилия следователя Гаврилов. "
             "Потом отпустили.\n")  # fmt: skip
PUBLIC_END = "62:79"
#: A nickname the rules do not read as a person.
NICKNAME = "Деньги забирал Лис. У Лиса была машина.\n"


def as_(ws: Workspace, who: str) -> Session:
    return Session.open(ws.root, who, permissions=ROLES)


def passages(ws: Workspace, tid: str, who: str = "vera", lang: str = "en") -> list[str]:
    with as_(ws, who) as s:
        return [str(p["text"]) for p in publication.published_testimony(s, tid, lang)["passages"]]


@pytest.fixture
def world(ws: Workspace) -> Workspace:
    add(ws.root, REPORT.encode(), kind="media_report", source="gazette")  # T-1, public
    add(
        ws.root,
        INTERVIEW.encode(),
        witness="Ефросинья Небывалая",
        witness_contact="+7 900 000-00-00",
    )
    with as_(ws, "ed") as s:  # T-2: confidential but its last sentence
        service.mark_passage(s, "T-2", PUBLIC_END, "public")
    return ws


def test_names_in_public_passages_and_quotes_are_withheld(world: Workspace) -> None:
    # the rules read «Пётр Сомов» (after a rank) and «Волков» (after a post); in quoted
    # speech every capitalised word but a sentence's first is withheld: the nickname, the
    # first name and the town alike; «Нас» opens the quote and reads as no name
    assert passages(world, "T-1") == [
        "Рядовой [name withheld] рассказал: «Нас держал [name withheld], а потом "
        "[name withheld] увёз в [name withheld]». Командир роты [name withheld] требовал "
        "денег.\n"
    ]
    assert passages(world, "T-1", lang="ru")[0].startswith("Рядовой [имя скрыто] рассказал:")


def test_a_cleared_name_is_shown_and_withdrawing_withholds_it_again(world: Workspace) -> None:
    with as_(world, "ed") as s:
        # any order, case and «ё»: the rules read «Пётр Сомов» as «Сомов Пётр»
        assert publication.clear_name(s, "T-1", "сомов петр") is True
        assert publication.clear_name(s, "T-1", "Сомов Пётр") is False  # cleared already
    assert passages(world, "T-1")[0].startswith("Рядовой Пётр Сомов рассказал: «Нас держал [")
    with as_(world, "ed") as s:
        publication.withhold_name(s, "T-1", "Пётр Сомов")
        with pytest.raises(InputError, match="'Пётр Сомов' is not cleared in testimony T-1"):
            publication.withhold_name(s, "T-1", "Пётр Сомов")
        events = [e["command"] for e in s.store.custody("T-1")]
    assert events[-3:] == [
        "testimony-name-clear",
        "testimony-name-clear",
        "testimony-name-withhold",
    ]
    assert passages(world, "T-1")[0].startswith("Рядовой [name withheld] рассказал:")


def test_a_confidential_passage_is_never_published(world: Workspace) -> None:
    assert passages(world, "T-2") == ["Потом отпустили.\n"]
    with as_(world, "vera") as s:
        shown = publication.published_testimony(s, "T-2")
        listed = publication.published_testimonies(s)
    assert shown["passages"][0]["start"] == 62 and shown["passages"][0]["end"] == 79
    dumped = json.dumps(shown, ensure_ascii=False)
    for secret in ("Гаврилов", "Секрет", "Небывалая", "900", "interview-1"):
        assert secret not in dumped
    assert [t["id"] for t in listed] == ["T-1", "T-2"]
    assert set(listed[1]) == {"id", "kind", "date", "language", "witness_id", "incidents"}
    with as_(world, "ed") as s:  # marked confidential again: no longer published at all
        service.mark_passage(s, "T-2", PUBLIC_END, "confidential")
    with as_(world, "vera") as s:
        with pytest.raises(InputError, match="no published testimony 'T-2'"):
            publication.published_testimony(s, "T-2")
        assert [t["id"] for t in publication.published_testimonies(s)] == ["T-1"]


def test_a_name_of_an_incident_the_account_supports_is_withheld(ws: Workspace) -> None:
    add(ws.root, NICKNAME.encode(), kind="media_report", source="gazette")
    assert passages(ws, "T-1") == [NICKNAME]  # the rules miss the nickname
    with as_(ws, "ed") as s:
        service.add_incident(s, "extortion", start="2024-05")
        service.involve(s, "I-1", "perpetrator", actor="Лис")
        service.link(s, "I-1", "T-1")
    # found in its declined forms too («у Лиса»)
    assert passages(ws, "T-1") == [
        "Деньги забирал [name withheld]. У [name withheld] была машина.\n"
    ]


def test_quoted_passages_of_every_style() -> None:
    text = 'Он сказал: „Коля всё знает“ и ушёл, "Витя" тоже, “Маша” — нет.'
    assert [text[a:b] for a, b in pub.quoted(text)] == ["Коля всё знает", "Витя", "Маша"]
    spans = pub.capitalised_in(text, pub.quoted(text), lambda w: w in {"Коля", "Витя"})
    # «Маша» opens its quote and the stand-in reads it as no name: a sentence's first word
    assert [text[s.start : s.end] for s in spans] == ["Коля", "Витя"]


def test_clearing_and_publishing_are_refused_below_editors(world: Workspace) -> None:
    with as_(world, "ed") as s:
        before = s.store.next_event_id()
    for who, role in (("vera", "vera"), ("rita", "rita")):
        with as_(world, who) as s:
            with pytest.raises(PermissionDenied,
                               match=f"^{role} may not clear a name in a testimony for "
                                     "publication$"):  # fmt: skip
                publication.clear_name(s, "T-1", "Сомов Пётр")
            with pytest.raises(PermissionDenied, match="may not mark an incident published"):
                publication.publish_incident(s, "I-1")
    with as_(world, "ed") as s:
        # nothing written: no clearance, and the next event is the one it would have been
        assert s.store.cleared_names() == []
        assert s.store.next_event_id() == before + 1


def _incidents(ws: Workspace) -> None:
    """I-1 (published) at a place, a unit, a victim and a perpetrator, supported by both
    accounts; I-2 not published."""
    with as_(ws, "ed") as s:
        service.add_place(s, "Горелая Балка", 47.5, 38.0)
        service.add_incident(s, "unlawful_detention", start="2024-03", end="2024-03-17",
                             place="Горелая Балка", summary="Сомов в подвале")  # fmt: skip
        service.involve(s, "I-1", "commanding_unit", unit="25 ОМСБр")
        service.involve(s, "I-1", "victim", actor="Пётр Сомов")  # sealed
        service.involve(s, "I-1", "perpetrator", actor="Волков")
        service.link(s, "I-1", "T-1")
        service.link(s, "I-1", "T-2", PUBLIC_END)
        service.add_incident(s, "torture", start="2024-04")
        service.involve(s, "I-2", "perpetrator", actor="Гаврилов")
        service.link(s, "I-2", "T-2", "0:20")
        assert publication.publish_incident(s, "I-1") is False


def test_a_published_incident_names_only_cleared_people(world: Workspace) -> None:
    _incidents(world)
    with as_(world, "ed") as s:
        publication.clear_name(s, "T-1", "Сомов Пётр")
    with as_(world, "vera") as s:
        found = publication.published_incidents(s, "ru")
        with pytest.raises(InputError, match="no published incident 'I-2'"):
            publication.published_incident(s, "I-2")
    assert found == [{
        "id": "I-1", "type": "unlawful_detention", "from": "2024-03", "to": "2024-03-17",
        "place_id": "PL-1", "place": "Горелая Балка", "latitude": 47.5, "longitude": 38.0,
        "grade": "confirmed", "rule": "independent-groups",
        "units": [{"role": "commanding_unit", "unit": "25 ОМСБр", "unit_key": "omsbr:25"}],
        "people": [{"role": "victim", "name": "Сомов Пётр", "withheld": False},
                   {"role": "perpetrator", "name": "[имя скрыто]", "withheld": True}],
        "testimonies": ["T-1", "T-2"], "witnesses": [found[0]["witnesses"][0]],
    }]  # fmt: skip
    assert found[0]["witnesses"][0].startswith("W-")
    with as_(world, "ed") as s:
        assert publication.publish_incident(s, "I-1", published=False) is True
        custody = [e["command"] for e in s.store.custody("T-1")]
    assert custody == ["testimony-add", "incident-link", "testimony-name-clear"]
    with as_(world, "vera") as s:
        assert publication.published_incidents(s) == []


def test_the_published_export_holds_nothing_unpublished(world: Workspace, tmp_path: Path) -> None:
    _incidents(world)
    out = tmp_path / "incidents.csv"
    with as_(world, "vera") as s:
        with pytest.raises(PermissionDenied, match="vera may not export incidents"):
            io_service.export_incidents(s, "csv", out)
        assert io_service.export_incidents(s, "csv", out, published=True) == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("incident_id", "type", "from", "to", "place", "summary", "grade",
                                "groups", "testimonies", "commanding_unit", "victim",
                                "perpetrator")} == {
        "incident_id": "I-1", "type": "unlawful_detention", "from": "2024-03",
        "to": "2024-03-17", "place": "Горелая Балка", "summary": "", "grade": "confirmed",
        "groups": "", "testimonies": "T-1; T-2", "commanding_unit": "25 ОМСБр",
        "victim": "[name withheld]", "perpetrator": "[name withheld]",
    }  # fmt: skip
    text = out.read_text("utf-8")
    for secret in ("Сомов", "Волков", "Гаврилов", "I-2", "gazette", "interview-1", "enc:v1"):
        assert secret not in text
    both = "--published and --protected exclude each other"
    with as_(world, "vera") as s, pytest.raises(InputError, match=both):
        io_service.export_incidents(s, "csv", tmp_path / "x.csv", published=True, protected=True)
    assert not (tmp_path / "x.csv").exists()


def test_the_published_followthemoney_export(world: Workspace) -> None:
    pytest.importorskip("followthemoney")
    _incidents(world)
    stream = io.StringIO()
    with as_(world, "vera") as s:
        assert io_service.export_incidents(s, "ftm", stream=stream, published=True) == 6
    entities = [json.loads(line) for line in stream.getvalue().splitlines()]
    names = sorted(n for e in entities for n in e["properties"].get("name", []))
    # a unit, the two people withheld, the witness of T-2 by its pseudonymous id, the event
    assert [n if not n.startswith("W-") else "W-" for n in names] == [
        "25 ОМСБр", "W-", "[name withheld]", "[name withheld]", "unlawful detention (I-1)"
    ]  # fmt: skip
    assert "Сомов" not in stream.getvalue() and "Волков" not in stream.getvalue()


def test_a_viewer_reads_the_published_forms_on_the_command_line(
    world: Workspace, tmp_path: Path
) -> None:
    _incidents(world)
    with Session.open(world.root, "ada") as s:
        for name, role in (("ada", "admin"), ("vera", "viewer")):
            accounts.add_user(s, name, role, f"{name}'s long password")
    runner = CliRunner()
    base = ["--workspace", str(world.root), "--as", "vera"]
    refused = runner.invoke(app, [*base, "testimony", "show", "T-2"])
    assert refused.exit_code == 1 and isinstance(refused.exception, PermissionDenied)
    shown = runner.invoke(app, [*base, "testimony", "show", "T-2", "--published"])
    assert shown.exit_code == 0, shown.output
    assert "Потом отпустили." in shown.output and "[62:79]" in shown.output
    for secret in ("Гаврилов", "Секрет", "Небывалая", "interview-1", "sha256"):
        assert secret not in shown.output
    listed = runner.invoke(app, [*base, "incident", "list", "--published"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "I-1: unlawful_detention, 2024-03/2024-03-17, Горелая Балка, confirmed (rule "
        "'independent-groups')",
        "  commanding_unit: 25 ОМСБр",
        "  victim: [name withheld]",
        "  perpetrator: [name withheld]",
        "  testimonies: T-1, T-2",
    ]
    out = tmp_path / "published.csv"
    exported = runner.invoke(app, [*base, "incident", "export", "--published", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text("utf-8").count("\n") == 2  # the header and I-1
    cleared = runner.invoke(app, [*base, "testimony", "clear", "T-1", "Сомов Пётр"])
    assert cleared.exit_code == 1
    assert str(cleared.exception) == "vera may not clear a name in a testimony for publication"
    with Session.open(world.root, "ada") as s:
        assert s.store.cleared_names() == []
