"""Script and image payloads in names, quotes, source names and unit fields render inert
(escaped text) on every page that shows them, for a signed-in team: search, person,
review, dossiers, sources and the audit page."""

from __future__ import annotations

import html as markup
import re
from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.web.accounts import TEAM, client_as, team_workspace
from tests.web.conftest import World
from tests.web.test_escaping import Elements
from unaccounted.ingest import IngestOptions, load_mapping
from unaccounted.service import Session, link
from unaccounted.service import ingest as ingest_service
from unaccounted.web import auth
from unaccounted.web.app import create_app

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMAGE)
SOURCE = f"Leak {SCRIPT}"
IMG = IMAGE.replace('"', '""')  # inside a quoted CSV cell
ROWS = (
    "record_id,full_name,birth_date,status,event_date,unit,region,quote\n"
    f'y1,"Сидоров {SCRIPT} Пётр",1988,killed,2023-03-01,"{IMG}",RU-VLA,"{SCRIPT} {IMG}"\n'
    f'y2,"{IMG} Сидоров Пётр",1988,killed,2023-03-02,"{SCRIPT}",RU-VLA,"{IMG}"\n'
)


def assert_inert(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html
    parser = Elements()
    parser.feed(html)
    assert [a.get("src") for t, a in parser.found if t == "script"] == ["/static/app.js"]
    assert not [a for t, a in parser.found if t == "img"]
    assert not [(t, a) for t, a in parser.found if any(k.startswith("on") for k in a)]


def shown(html: str) -> bool:
    """Whether a payload is on the page as text (escaped), not only absent."""
    return "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x onerror=" in html


@pytest.fixture(scope="module")
def admin(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("xss")
    ws = team_workspace(world.ws, folder / "ws")
    data, mapping = folder / "leak.csv", folder / "leak.yaml"
    data.write_text(ROWS, "utf-8")
    mapping.write_text(yaml.safe_dump({"source": SOURCE, "kind": "news", "publisher": IMAGE}))
    with Session.open(ws, TEAM["editor"]) as s:
        ingest_service.ingest(s, [data], IngestOptions(mapping=load_mapping(mapping)))
        link.normalize(s)
        link.link(s)
    app = create_app(ws, "server")
    app.state.web.throttle = auth.Throttle(rate=1000)
    with TestClient(app):
        client = client_as(app, "admin")
        # a refused decision about records named by payloads: its failure is an event
        bad = client.post("/api/review/decide", data={"a": SCRIPT, "b": IMAGE, "decision": "same"})
        assert bad.status_code == 400
        yield client


def hostile_person(client: TestClient) -> str:
    web = client.app.state.web  # type: ignore[attr-defined]
    with web.lock, web.session.acting_as(TEAM["admin"]) as s:
        found = s.store.person_of(SOURCE, "y1")
    assert found is not None
    return str(found)


def test_search_results_show_hostile_names_as_text(admin: TestClient) -> None:
    # the name with a payload inside is not read as a surname: it is found as written
    name = admin.get(f"/api/persons/{hostile_person(admin)}").json()["name"]
    for q in (name, SCRIPT, IMAGE):
        html = admin.get("/", params={"q": q, "why": "true"}).text
        assert_inert(html)
    html = admin.get("/", params={"q": name}).text
    assert "Сидоров &lt;script&gt;alert(1)&lt;/script&gt; Пётр" in html


def test_the_person_page_shows_names_quotes_sources_and_units_as_text(admin: TestClient) -> None:
    html = admin.get(f"/person/{hostile_person(admin)}").text
    assert_inert(html)
    assert "Leak &lt;script&gt;alert(1)&lt;/script&gt;" in html  # the source's name
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html  # a unit or quote


def test_dossiers_and_listings_show_hostile_units_as_text(admin: TestClient) -> None:
    pages = ["/unit/" + SCRIPT, "/unit/" + IMAGE, "/region/RU-VLA", "/concealment",
             "/estimates?by=unit", "/sources"]  # fmt: skip
    for page in pages:
        assert_inert(admin.get(page).text)
    assert "Leak &lt;script&gt;" in admin.get("/sources").text


def test_the_review_queue_shows_hostile_records_as_text(admin: TestClient) -> None:
    reviewer = client_as(admin.app, "reviewer")  # type: ignore[arg-type]
    for _ in range(60):
        html = reviewer.get("/review").text
        assert_inert(html)
        a = re.search(r'name="a" value="([^"]*)"', html)
        b = re.search(r'name="b" value="([^"]*)"', html)
        if not (a and b):
            break
        form = {"a": markup.unescape(a[1]), "b": markup.unescape(b[1]), "decision": "unsure"}
        reviewer.post("/review/decide", data=form)
    assert 'id="empty"' in reviewer.get("/review").text


def test_the_audit_page_shows_hostile_arguments_as_text(admin: TestClient) -> None:
    html = admin.get("/audit").text
    assert_inert(html)
    assert shown(html)  # the refused decision's records, escaped
