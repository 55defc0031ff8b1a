"""A viewer's pages of accounts, incidents and places are their published forms: public
passages only, names withheld (in the page's language) unless cleared, published incidents
only, and never a protected field. The accounts are invented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.accounts import PASSWORD, TEAM, client_as
from unaccounted.service import Session, accounts
from unaccounted.service import testimonies as service
from unaccounted.service import testimony_publication as publication
from unaccounted.web import auth
from unaccounted.web.app import create_app
from unaccounted.workspace import Workspace

REPORT = "Рядовой Пётр Сомов рассказал: «Нас держал Шмель». Командир роты Волков молчал.\n"
INTERVIEW = "Секрет: фамилия следователя Гаврилов. Потом отпустили.\n"
#: What a viewer must never see: a confidential passage, a sealed victim's name that is
#: not cleared, a witness's name and contacts, sources, the summary, a hash.
SECRETS = ("Гаврилов", "Секрет", "Ефросинья", "+7 900", "field team", "gazette",
           "в подвале", "sha256", "[protected]", "I-2")  # fmt: skip


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    ws = Workspace.init(tmp_path_factory.mktemp("published") / "ws").root
    with Session.open(ws, "setup") as s:
        accounts.add_user(s, TEAM["admin"], "admin", PASSWORD)
        with s.acting_as(TEAM["admin"]):
            for role in ("viewer", "editor"):
                accounts.add_user(s, TEAM[role], role, PASSWORD)
    with Session.open(ws, TEAM["editor"]) as s:
        service.add_testimony(s, REPORT.encode(), kind="media_report", source="gazette",
                              language="ru")  # fmt: skip
        service.add_testimony(s, INTERVIEW.encode(), kind="interview", source="field team",
                              language="ru", witness="Ефросинья Небывалая",
                              witness_contact="+7 900 000-00-00")  # fmt: skip
        service.mark_passage(s, "T-2", "38:55", "public")
        service.add_place(s, "Горелая Балка", 47.5, 38.0)
        service.add_incident(s, "unlawful_detention", start="2024-03", place="Горелая Балка",
                             summary="в подвале")  # fmt: skip
        service.involve(s, "I-1", "victim", actor="Пётр Сомов")  # sealed
        service.involve(s, "I-1", "perpetrator", actor="Гаврилов")
        service.involve(s, "I-1", "commanding_unit", unit="25 ОМСБр")
        service.link(s, "I-1", "T-1")
        service.add_incident(s, "torture", start="2024-04")  # I-2, not published
        service.link(s, "I-2", "T-2")
        publication.publish_incident(s, "I-1")
        publication.clear_name(s, "T-1", "Сомов Пётр")
    app = create_app(Path(ws), "server")
    app.state.web.throttle = auth.Throttle(rate=1000)
    with TestClient(app):
        yield client_as(app, "viewer")


def _page(viewer: TestClient, path: str) -> str:
    r = viewer.get(path)
    assert r.status_code == 200, (path, r.text[:300])
    for secret in SECRETS:
        assert secret not in r.text, (path, secret)
    return r.text


def test_a_viewer_reads_the_published_accounts(viewer: TestClient) -> None:
    listed = _page(viewer, "/testimonies")
    assert 'href="/testimony/T-1"' in listed and 'href="/testimony/T-2"' in listed
    # the cleared name is shown; the nickname in quoted speech and the commander are not
    assert ('<pre class="testimony-text">Рядовой Пётр Сомов рассказал: «Нас держал '
            "[name withheld]». Командир роты [name withheld] молчал.\n</pre>"
            ) in _page(viewer, "/testimony/T-1")  # fmt: skip
    second = _page(viewer, "/testimony/T-2")
    assert '<pre class="testimony-text">Потом отпустили.\n</pre>' in second
    assert "W-" in second  # the witness by its pseudonymous id only


def test_a_viewer_reads_the_published_incidents_and_places(viewer: TestClient) -> None:
    timeline = _page(viewer, "/incidents")
    assert 'href="/incident/I-1"' in timeline
    one = _page(viewer, "/incident/I-1")
    assert "<td>Сомов Пётр</td>" in one  # cleared in T-1, which supports it
    assert "<td>[name withheld]</td>" in one and "<td>25 ОМСБр</td>" in one
    assert viewer.get("/incident/I-2").status_code == 404
    assert "Горелая Балка" in _page(viewer, "/places")
    assert 'href="/incident/I-1"' in _page(viewer, "/place/горелая балка")


def test_the_marker_is_in_the_pages_language(viewer: TestClient) -> None:
    viewer.get("/lang/ru", params={"next": "/"}, follow_redirects=False)
    try:
        assert "Командир роты [имя скрыто] молчал." in _page(viewer, "/testimony/T-1")
    finally:
        viewer.get("/lang/en", params={"next": "/"}, follow_redirects=False)


def test_the_api_gives_a_viewer_the_published_forms(viewer: TestClient) -> None:
    def get(path: str) -> Any:
        r = viewer.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        for secret in SECRETS:
            assert secret not in r.text, (path, secret)
        return r.json()

    assert [t["id"] for t in get("/api/testimonies")] == ["T-1", "T-2"]
    assert get("/api/testimonies/T-1")["passages"] == [
        {"start": 0, "end": 79, "withheld": 2,
         "text": "Рядовой Пётр Сомов рассказал: «Нас держал [name withheld]». Командир роты "
                 "[name withheld] молчал.\n"}
    ]  # fmt: skip
    one = get("/api/incidents/I-1")
    assert one["people"] == [
        {"role": "victim", "name": "Сомов Пётр", "withheld": False},
        {"role": "perpetrator", "name": "[name withheld]", "withheld": True},
    ]
    assert [i["id"] for i in get("/api/incidents")] == ["I-1"]
    assert viewer.get("/api/incidents/I-2").status_code == 404
    assert viewer.get("/api/testimonies/T-2?protected=true").status_code == 403
    drawn = get("/api/places")
    assert [p["name"] for p in drawn["points"]] == ["Горелая Балка"] and drawn["outline"]
    assert [i["id"] for i in get("/api/places/горелая балка")["incidents"]] == ["I-1"]
    for fmt in ("csv", "ftm"):
        r = viewer.get(f"/api/export/incidents.{fmt}")
        assert r.status_code == 200 and "[name withheld]" in r.text, fmt
        for secret in SECRETS:
            assert secret not in r.text, (fmt, secret)
    exported = viewer.get("/api/export/incidents.csv").text.splitlines()
    assert [line.split(",")[0] for line in exported] == ["incident_id", "I-1"]
