"""The pages and API routes of accounts of abuse, by role: a viewer sees their published
form only (nothing is published here);
a reviewer reads lists, the timeline, dossiers and the map, and opens protected parts only
as an audited event; an editor takes in testimonies and adds incidents through the forms.
Script and image payloads in every text field render inert. The concealment report counts
a confirmed falsified missing-in-action report against its unit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.web.accounts import TEAM, client_as, team_workspace
from tests.web.conftest import World
from tests.web.test_xss import IMAGE, SCRIPT, assert_inert, shown
from unaccounted.normalize.api import normalize_rows
from unaccounted.service import Session, persons
from unaccounted.service import testimonies as service
from unaccounted.web import auth
from unaccounted.web.app import create_app

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build

#: An interview (confidential by default): invented.
INTERVIEW = f"Меня держали в подвале склада две недели. {SCRIPT} Били каждый день.\n"
#: A court decision (restricted by default) on the unit's false missing notices: invented.
DECISION = "Суд установил, что извещения о безвестном отсутствии были составлены ложно.\n"
#: A media report (public by default) with payloads: invented.
REPORT = f"Родственники говорят о подвале склада. {IMAGE}\n"


def key_of(unit: str) -> str | None:
    """The unit key the Russian pack reads ``unit`` as."""
    key = normalize_rows([{"unit": unit}], "ru", None)["unit_key"][0]
    return None if key is None else str(key)


@dataclass
class Team:
    clients: dict[str, TestClient]
    unit: str  # the unit's key
    spelling: str  # a spelling of it, as an involvement names it
    person: str  # a person of the unit, the victim of I-1


@pytest.fixture(scope="module")
def team(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    ws = team_workspace(world.ws, tmp_path_factory.mktemp("testimony-web") / "ws")
    with Session.open(ws, TEAM["editor"]) as s:
        first = persons.concealment(s)[0]  # listed, if not ranked
        unit = first.unit
        spelling = next(a for a in first.aliases if key_of(a) == unit)
        person = persons.unit(s, unit)["people"][0]["person_id"]
        service.add_place(s, "Тихая Заводь, склад", 47.25, 38.5)
        service.alias_place(s, "Тихая Заводь, склад", f"warehouse {SCRIPT}")
        service.add_place(s, f"yard {IMAGE}", 48.0, 37.5)
        service.add_place(s, "somewhere unmapped")
        service.add_testimony(
            s,
            INTERVIEW.encode(),
            kind="interview",
            source=f"team {SCRIPT}",
            language="ru",
            date="2024-03",
            witness=f"W {IMAGE}",
            group=f"group {IMAGE}",
        )  # T-1
        service.add_testimony(
            s, DECISION.encode(), kind="court_document", source="a court", language="ru"
        )  # T-2
        service.add_testimony(
            s, REPORT.encode(), kind="media_report", source=f"paper {IMAGE}", language="ru"
        )  # T-3
        service.add_incident(
            s,
            "torture",
            start="2024-03",
            end="2024-03-17",
            place=f"WAREHOUSE {SCRIPT}",
            summary=f"basement {SCRIPT}",
        )
        service.involve(s, "I-1", "victim", person=person)
        service.involve(s, "I-1", "perpetrator", unit=spelling)
        service.involve(s, "I-1", "witness", actor=f"Иван {SCRIPT}")  # sealed
        service.involve(s, "I-1", "complaint_official", actor=f"prosecutor {IMAGE}")
        service.involve(s, "I-1", "commanding_unit", unit=f"{SCRIPT} 99 ОМСБр")
        service.link(s, "I-1", "T-1", "0:40")
        service.link(s, "I-1", "T-3")
        service.add_incident(
            s, "falsified_mia_report", start="2024-04", place=f"yard {IMAGE}"
        )  # I-2
        service.involve(s, "I-2", "commanding_unit", unit=spelling)
        service.link(s, "I-2", "T-2")  # a court document: confirmed
    app = create_app(ws, "server")
    app.state.web.throttle = auth.Throttle(rate=1000)
    with TestClient(app):
        clients = {role: client_as(app, role) for role in TEAM}
        yield Team(clients, unit, spelling, person)


PAGES = (
    "/testimonies",
    "/testimonies/new",
    "/testimony/T-1",
    "/incidents",
    "/incidents/new",
    "/incident/I-1",
    "/places",
    "/place/PL-1",
)
API = (
    "/api/testimonies",
    "/api/testimonies/T-1",
    "/api/incidents",
    "/api/incidents/I-1",
    "/api/incident-types",
    "/api/places",
    "/api/places/PL-1",
)


def signal_6(team: Team, role: str) -> dict[str, object]:
    """The unit's signal 6 in the concealment report made for ``role``."""
    web = team.clients[role].app.state.web  # type: ignore[attr-defined]
    with web.lock, web.session.acting_as(TEAM[role]) as s:
        unit = next(u for u in persons.concealment(s) if u.unit == team.unit)
    found: dict[str, object] = unit.signals()["signal_6"]
    return found


def test_a_viewer_sees_only_what_is_published(team: Team) -> None:
    viewer = team.clients["viewer"]
    for path in (
        "/testimonies/new",
        "/incidents/new",
        "/api/incident-types",
        f"/api/person-incidents/{team.person}",
        f"/api/unit-incidents/{team.unit}",
    ):
        assert viewer.get(path).status_code == 403, path
    # the published forms: nothing is marked published, and only T-3 has public text
    for path in ("/testimony/T-1", "/testimony/T-2", "/incident/I-1", "/place/PL-1",
                 "/api/testimonies/T-1", "/api/incidents/I-1", "/api/places/PL-1"):  # fmt: skip
        assert viewer.get(path).status_code == 404, path
    assert [r["id"] for r in viewer.get("/api/testimonies").json()] == ["T-3"]
    assert viewer.get("/api/incidents").json() == []
    assert viewer.get("/api/places").json()["points"] == []
    listed = viewer.get("/testimonies").text
    assert re.findall(r'href="/testimony/([^"]+)"', listed) == ["T-3"]
    assert "paper" not in listed and "team" not in listed
    assert 'href="/incident/' not in viewer.get("/incidents").text
    assert 'class="place"' not in viewer.get("/places").text
    r = viewer.post(
        "/testimonies", data={"kind": "interview", "source": "x", "language": "ru", "text": "x"}
    )
    assert r.status_code == 403
    # the unit's dossier and the concealment report without the incidents
    html = viewer.get(f"/unit/{team.unit}").text
    assert 'id="incidents"' not in html and "I-1" not in html
    assert signal_6(team, "viewer") == {"falsified_mia_reports": 0, "confirmed": 0, "incidents": []}
    nav = re.findall(r"<nav>(.*?)</nav>", viewer.get("/concealment").text, re.S)[0]
    assert "/testimonies" in nav and "/incidents" in nav and "/places" in nav


def test_a_reviewer_reads_the_lists_and_a_confidential_text_reads_protected(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    listed = reviewer.get("/api/testimonies").json()
    assert [(t["id"], t["kind"], t["level"]) for t in listed] == [
        ("T-1", "interview", "confidential"),
        ("T-2", "court_document", "restricted"),
        ("T-3", "media_report", "public"),
    ]
    assert listed[0]["incidents"] == ["I-1"] and re.fullmatch(r"W-\w{5}", listed[0]["witness_id"])
    assert reviewer.get("/api/testimonies/T-1").json()["text"] == "[protected]"
    html = reviewer.get("/testimony/T-1").text
    assert '<pre class="testimony-text" id="text">[protected]</pre>' in html
    assert 'id="open-protected"' in html
    # the public report reads as received (escaped)
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in reviewer.get("/testimony/T-3").text
    # the editor's form is not for a reviewer
    assert reviewer.get("/testimonies/new").status_code == 403
    assert 'id="add-testimony"' not in reviewer.get("/testimonies").text


def test_opening_protected_parts_is_an_audited_event(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    before = reviewer.get("/api/testimonies/T-1").json()["custody"]
    html = reviewer.get("/testimony/T-1?protected=true").text
    assert "Меня держали в подвале" in html and 'id="audited"' in html
    after = reviewer.get("/api/testimonies/T-1").json()["custody"]
    assert [(e["actor"], e["command"]) for e in after[len(before) :]] == [
        ("rita", "view-testimony-protected")
    ]
    # a sealed witness of an incident: [protected], opened only on request (view-protected)
    involved = reviewer.get("/api/incidents/I-1").json()["involvements"]
    assert [x["actor_name"] for x in involved if x["role"] == "witness"] == ["[protected]"]
    opened = reviewer.get("/api/incidents/I-1?protected=true").json()["involvements"]
    assert [x["actor_name"] for x in opened if x["role"] == "witness"] == [f"Иван {SCRIPT}"]
    admin = team.clients["admin"]
    events = admin.get("/api/audit", params={"actor": "rita", "limit": 1}).json()
    assert events[0]["command"] == "view-protected"


def test_the_timeline_the_place_dossier_and_the_map(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    timeline = reviewer.get("/incidents").text
    assert timeline.index("I-1") < timeline.index("I-2")  # March before April
    assert (
        "torture or ill-treatment" in timeline and "falsified missing-in-action report" in timeline
    )
    ru = reviewer.get("/incidents", headers={"Accept-Language": "ru"}).text
    assert "пытки или жестокое обращение" in ru
    # the dossier, found by an alias in any case
    dossier = reviewer.get(f"/api/places/warehouse {SCRIPT.upper()}").json()
    assert dossier["id"] == "PL-1" and dossier["aliases"] == [f"warehouse {SCRIPT}"]
    assert [x["id"] for x in dossier["incidents"]] == ["I-1"]
    assert dossier["dates"] == {"from": "2024-03", "to": "2024-03-17"}
    assert dossier["units"] == sorted(
        [
            {"unit_key": team.unit, "as_written": [team.spelling]},
            {"unit_key": "omsbr:99", "as_written": [f"{SCRIPT} 99 ОМСБр"]},
        ],
        key=lambda u: u["unit_key"],
    )
    assert dossier["persons"] == [{"person_id": team.person, "roles": ["victim"]}]
    assert dossier["testimonies"] == ["T-1", "T-3"]
    # the map: two points (north up), one place without coordinates
    drawn = reviewer.get("/api/places").json()
    points = {p["id"]: (p["x"], p["y"]) for p in drawn["points"]}
    assert set(points) == {"PL-1", "PL-2"} and points["PL-2"][1] < points["PL-1"][1]
    assert [p["name"] for p in drawn["unplaced"]] == ["somewhere unmapped"]
    html = reviewer.get("/places").text
    assert html.count('class="place"') == 2 and "<svg" in html


def test_the_person_page_and_the_unit_dossier_show_their_incidents(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    person = reviewer.get(f"/person/{team.person}").text
    incidents = re.search(r'<ul class="incidents" id="incidents">(.*?)</ul>', person, re.S)
    assert incidents is not None and 'href="/incident/I-1"' in incidents[1]
    assert "victim" in incidents[1] and "I-2" not in incidents[1]
    assert reviewer.get(f"/api/person-incidents/{team.person}").json()[0]["roles"] == ["victim"]
    unit = reviewer.get(f"/unit/{team.unit}").text
    assert 'href="/incident/I-1"' in unit and 'href="/incident/I-2"' in unit
    assert 'id="concealment-row"' in unit
    got = reviewer.get(f"/api/unit-incidents/{team.unit}").json()
    # I-1: an interview and a report of two independent groups; I-2: a court document
    assert [(x["id"], x["roles"], x["grade"]) for x in got] == [
        ("I-1", ["perpetrator"], "confirmed"),
        ("I-2", ["commanding_unit"], "confirmed"),
    ]


def test_a_confirmed_falsified_report_is_the_units_signal_6_and_flags_it(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    assert signal_6(team, "reviewer") == {
        "falsified_mia_reports": 1,
        "confirmed": 1,
        "incidents": [{"id": "I-2", "grade": "confirmed"}],
    }
    # the world ranks no unit (too few officially missing): the confirmed report flags it
    html = reviewer.get("/concealment").text
    row = re.search(
        rf'<tr id="unit-{team.unit.replace(":", "%3A")}" class="flagged">(.*?)</tr>', html
    )
    assert row is not None and 'href="/incident/I-2"' in row[1]


def test_an_editor_adds_a_testimony_and_an_incident_through_the_forms(team: Team) -> None:
    editor = team.clients["editor"]
    assert 'id="testimony-form"' in editor.get("/testimonies/new").text
    r = editor.post(
        "/testimonies",
        data={"kind": "media_report", "source": "paper B", "language": "ru", "text": "Заметка."},
        follow_redirects=False,
    )
    assert r.status_code == 303
    made = r.headers["location"].rsplit("/", 1)[1]
    assert editor.get(f"/api/testimonies/{made}").json()["text"] == "Заметка."
    # a file, kept byte for byte (its hash is the file's)
    up = editor.post(
        "/api/testimonies",
        data={"kind": "written_statement", "source": "mail", "language": "ru"},
        files={"file": ("letter.txt", "Письмо.\r\n".encode(), "text/plain")},
    )
    assert up.status_code == 200, up.text
    got = editor.get(f"/api/testimonies/{up.json()['id']}").json()
    assert (got["file_name"], got["size"], got["level"]) == ("letter.txt", 15, "restricted")
    r = editor.post(
        "/incidents",
        data={"type": "threat", "start": "2024-05", "place": "тихая заводь, склад"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    incident = r.headers["location"].rsplit("/", 1)[1]
    # the victim: found by searching the casualty records, linked from the hits
    name = editor.get(f"/api/persons/{team.person}").json()["name"]
    page = editor.get(f"/incident/{incident}", params={"q": name}).text
    assert f'name="person" value="{team.person}"' in page
    r = editor.post(f"/incident/{incident}/involve", data={"role": "victim", "person": team.person})
    assert r.status_code == 200
    r = editor.post(f"/incident/{incident}/link", data={"testimony": made})
    assert r.status_code == 200
    shown_ = editor.get(f"/api/incidents/{incident}").json()
    assert [x["person_id"] for x in shown_["involvements"]] == [team.person]
    assert [x["testimony_id"] for x in shown_["support"]] == [made]


def test_bad_input_is_one_line_and_stores_nothing(team: Team) -> None:
    editor = team.clients["editor"]
    count = len(editor.get("/api/testimonies").json())
    cases = [
        (
            "/testimonies",
            {"kind": "interview", "source": "s", "language": "ru"},
            "give the testimony's text or choose a file",
        ),
        (
            "/testimonies",
            {"kind": "interview", "source": "s", "language": "ru", "text": "x", "date": "2024-13"},
            None,
        ),
        ("/testimonies", {"kind": "gossip", "source": "s", "language": "ru", "text": "x"}, None),
        (
            "/api/testimonies",
            {"kind": "interview", "source": "a\nb", "language": "ru", "text": "x"},
            None,
        ),
    ]
    for path, form, message in cases:
        r = editor.post(path, data=form)
        assert r.status_code == 400, (path, form)
        if path.startswith("/api"):
            assert "\n" not in r.json()["error"]
        else:
            line = re.findall(r'<p class="error" id="error">(.*?)</p>', r.text)
            assert len(line) == 1 and (message is None or message in unescape(line[0]))
    assert len(editor.get("/api/testimonies").json()) == count
    incidents = len(editor.get("/api/incidents").json())
    assert editor.post("/incidents", data={"type": "nonsense"}).status_code == 400
    assert editor.post("/incidents", data={"type": "threat", "place": "nowhere"}).status_code == 404
    assert editor.post("/places", data={"name": "p", "lat": "north"}).status_code == 400
    assert (
        editor.post(
            "/incident/I-1/involve", data={"role": "victim", "person": "P-999999"}
        ).status_code
        == 404
    )
    assert len(editor.get("/api/incidents").json()) == incidents
    assert editor.get("/testimony/T-999").status_code == 404


def test_every_text_field_renders_inert(team: Team) -> None:
    editor = team.clients["editor"]
    # a file's name and a workspace's own incident type, with payloads
    up = editor.post(
        "/api/testimonies",
        data={"kind": "media_report", "source": "s", "language": "ru"},
        files={"file": (f"{IMAGE}.txt", b"text", "text/plain")},
    )
    assert up.status_code == 200, up.text
    web = editor.app.state.web  # type: ignore[attr-defined]
    with web.lock, web.session.acting_as(TEAM["editor"]) as s:
        service.add_incident_type(s, "cage", f"cage {SCRIPT}")
        cage = service.add_incident(s, "cage", place=f"yard {IMAGE}", summary=IMAGE)
    for page in (f"/testimony/{up.json()['id']}", "/testimonies", f"/incident/{cage}",
                 "/incidents", "/incidents/new", "/place/PL-2"):  # fmt: skip
        html = editor.get(page).text
        assert_inert(html)
        assert shown(html), page
    for role in ("reviewer", "editor"):
        client = team.clients[role]
        pages = [
            *(p for p in PAGES if role == "editor" or not p.endswith("/new")),
            "/place/PL-2",
            "/incident/I-2",
            "/testimony/T-3",
            f"/place/warehouse {SCRIPT}",
            f"/incident/I-1?q={SCRIPT}",
            f"/person/{team.person}",
            f"/unit/{team.unit}",
            "/concealment",
        ]
        for page in pages:
            r = client.get(page)
            assert r.status_code == 200, (role, page)
            assert_inert(r.text)
        assert shown(client.get("/incident/I-1").text)  # the summary, as text
        assert shown(client.get("/testimonies").text)  # the source, as text
        assert shown(client.get("/places").text)  # a place's name, as text
    # the protected view of both shows the payloads as text, never as markup
    for page in ("/testimony/T-1?protected=true", "/incident/I-1?protected=true"):
        html = team.clients["reviewer"].get(page).text
        assert_inert(html)
        assert shown(html)


#: A media report (public by default) naming a soldier, a unit, a place, a date and what was
#: done: invented.
NAMING = "Рядового Сергея Иванова из в/ч 12345 держали в подвале в Зайцево с 3 марта 2024 года."


def test_suggestions_are_read_listed_and_decided_through_the_page(team: Team) -> None:
    editor, reviewer = team.clients["editor"], team.clients["reviewer"]
    made = editor.post("/api/testimonies", data={"kind": "media_report", "source": "paper C",
                                                 "language": "ru", "text": NAMING})  # fmt: skip
    tid = made.json()["id"]
    assert 'id="suggest"' in editor.get(f"/testimony/{tid}").text
    r = reviewer.post(f"/testimony/{tid}/suggest", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/testimony/{tid}")
    listed = editor.get(f"/api/testimonies/{tid}/suggestions").json()
    assert [(x["id"], x["kind"], x["quote"], x["value"], x["status"]) for x in listed] == [
        ("S-1", "person", "Сергея Иванова", "Иванов Сергей", "open"),
        ("S-2", "unit", "в/ч 12345", "vch:12345", "open"),
        ("S-3", "incident_type", "держали", "unlawful_detention", "open"),
        ("S-4", "place", "Зайцево", "Зайцево", "open"),
        ("S-5", "date", "3 марта 2024 года", "2024-03-03", "open"),
    ]
    page = editor.get(f"/testimony/{tid}").text
    assert page.count('class="inline decide"') == 5 and 'value="correct"' in page
    # a reviewer may reject, not accept; the page offers a reviewer rejection only
    assert 'value="accept"' not in reviewer.get(f"/testimony/{tid}").text
    r = reviewer.post("/suggestion/S-4", data={"testimony": tid, "decision": "accept"})
    assert r.status_code == 403
    r = reviewer.post("/suggestion/S-4", data={"testimony": tid, "decision": "reject"},
                      follow_redirects=False)  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, f"/testimony/{tid}")
    # the editor: the incident type makes an incident, the soldier its victim, the date its start
    r = editor.post("/suggestion/S-3", data={"testimony": tid, "decision": "accept"})
    assert r.status_code == 200
    incident = editor.get(f"/api/testimonies/{tid}/suggestions").json()[2]["result"]
    for sid in ("S-1", "S-5"):
        r = editor.post(f"/suggestion/{sid}", data={"testimony": tid, "decision": "accept",
                                                    "incident": incident, "role": "victim"
                                                    if sid == "S-1" else ""})  # fmt: skip
        assert r.status_code == 200, r.text
    r = editor.post("/suggestion/S-2", data={"testimony": tid, "decision": "correct",
                                             "value": "в/ч 12346", "incident": incident,
                                             "role": "perpetrator"})  # fmt: skip
    assert r.status_code == 200, r.text
    decided = editor.get(f"/api/testimonies/{tid}/suggestions").json()
    assert [x["status"] for x in decided] == [
        "accepted",
        "corrected",
        "accepted",
        "rejected",
        "accepted",
    ]
    shown_ = editor.get(f"/api/incidents/{incident}").json()
    assert (shown_["type"], shown_["from_edtf"]) == ("unlawful_detention", "2024-03-03")
    assert sorted((x["role"], x["unit_key"]) for x in shown_["involvements"]) == [
        ("perpetrator", "vch:12346"),
        ("victim", None),
    ]
    assert [x["testimony_id"] for x in shown_["support"]] == [tid]
    # decided once; every decision is in the chain of custody
    r = editor.post("/suggestion/S-1", data={"testimony": tid, "decision": "reject"})
    assert r.status_code == 400 and "suggestion S-1 was accepted by" in r.text
    custody = [c["command"] for c in editor.get(f"/api/testimonies/{tid}").json()["custody"]]
    assert custody.count("suggestion-accept") == 3 and "suggestion-reject" in custody
    assert "suggestion-correct" in custody and "testimony-suggest" in custody
