"""The pages: each renders, forms work without JavaScript, the language switch is
remembered, and the catalogues hold every message the templates ask for."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World
from unaccounted.service import Session, persons, workspace

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build

TEMPLATES = Path(resources.files("unaccounted.web").joinpath("templates"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/?q=Иванов&why=true",
        "/person/P-000001",
        "/review",
        "/concealment",
        "/sources",
        "/estimates",
        "/estimates?by=region",
        "/nowcast",
        "/jobs",
    ],
)
def test_every_page_renders(reader: TestClient, page: str) -> None:
    r = reader.get(page)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "<nav>" in r.text and "/static/app.js" in r.text


def test_dossier_pages_link_their_persons(reader: TestClient, world: World) -> None:
    with Session.open(world.ws, "t", read_only=True) as s:
        unit = persons.concealment(s)[0].unit  # listed, if not ranked
    page = reader.get(f"/unit/{unit}").text
    people = reader.get(f"/api/units/{unit}").json()["people"]
    # every person of the unit is a link to its page
    assert all(f'href="/person/{p["person_id"]}"' in page for p in people)
    region = next(iter(reader.get(f"/api/units/{unit}").json()["sources"]), None)
    assert region is not None
    code = reader.get("/api/persons/" + people[0]["person_id"]).json()["best"]["region"]["value"]
    assert reader.get(f"/region/{code}").status_code == 200


def test_search_results_link_to_person_pages_and_why_is_on_request(reader: TestClient) -> None:
    plain = reader.get("/", params={"q": "Иванов"}).text
    assert 'class="person" href="/person/' in plain and 'class="why"' not in plain
    why = reader.get("/", params={"q": "Иванов", "why": "true"}).text
    assert 'class="why"' in why


def test_an_unknown_person_page_is_a_404_page(reader: TestClient) -> None:
    r = reader.get("/person/P-999999")
    assert r.status_code == 404 and 'id="error"' in r.text and "P-999999" in r.text


def test_the_language_is_switched_and_remembered(client: TestClient) -> None:
    assert "<h1>Sources</h1>" in client.get("/sources").text
    r = client.get("/lang/ru", params={"next": "/sources"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/sources")
    # the cookie is kept by the client: the next page is in Russian
    assert "<h1>Источники</h1>" in client.get("/sources").text
    client.get("/lang/en")
    assert "<h1>Sources</h1>" in client.get("/sources").text


def test_the_browser_language_is_the_default(reader: TestClient) -> None:
    page = reader.get("/sources", headers={"accept-language": "ru-RU,ru;q=0.9"}).text
    assert '<html lang="ru">' in page


def test_the_language_switch_redirects_only_within_the_site(reader: TestClient) -> None:
    r = reader.get("/lang/ru", params={"next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_catalogues_hold_the_same_messages_and_every_one_the_templates_use() -> None:
    cats = {
        lang: json.loads(
            resources.files("unaccounted.web").joinpath("locales", f"{lang}.json").read_text()
        )
        for lang in ("en", "ru")
    }
    assert set(cats["en"]) == set(cats["ru"])
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""_\(["']([a-z_.]+[a-z_])["']""", path.read_text("utf-8")))
    assert used and used <= set(cats["en"]), used - set(cats["en"])
    # a template holds no sentence of its own: text between tags is a variable or a symbol
    for path in TEMPLATES.glob("*.html"):
        text = re.sub(r"{[{%#].*?[}%#]}", " ", path.read_text("utf-8"), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text).replace("unaccounted", "")  # the product's name
        assert not re.search(r"[A-Za-zА-Яа-я]{4,}", text), (path.name, text.strip()[:200])


def test_a_reviewer_decides_and_undoes_with_forms_alone(client: TestClient) -> None:
    page = client.get("/review").text
    a = re.search(r'name="a" value="([^"]*)"', page)
    b = re.search(r'name="b" value="([^"]*)"', page)
    assert a and b
    before = client.get("/api/review/progress").json()
    r = client.post(
        "/review/decide",
        data={"a": _unescape(a[1]), "b": _unescape(b[1]), "decision": "different"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/review?last=")
    jid = int(r.headers["location"].split("=")[1].split("&")[0])
    assert client.get("/api/review/progress").json()["decided"] == before["decided"] + 1
    assert 'id="undo-form"' in client.get(r.headers["location"]).text
    client.post("/review/undo", data={"judgement": jid})
    assert client.get("/api/review/progress").json() == before


def test_skip_passes_a_pair_without_a_judgement(client: TestClient) -> None:
    page = client.get("/review").text
    a = _unescape(re.findall(r'name="a" value="([^"]*)"', page)[0])
    b = _unescape(re.findall(r'name="b" value="([^"]*)"', page)[0])
    r = client.post("/review/decide", data={"a": a, "b": b, "decision": "skip"})
    assert f'value="{a}"' not in r.text or f'value="{b}"' not in r.text
    assert client.get("/api/judgements").json() == []


def test_split_from_the_person_page_shows_the_judgements_and_undo(client: TestClient) -> None:
    page = client.get("/person/P-000001").text
    record = _unescape(re.findall(r'name="record" value="([^"]*)"', page)[0])
    r = client.post("/person/P-000001/split", data={"record": record})
    assert 'id="undo"' in r.text and r.text.count('class="decision">different<') >= 1
    ids = re.search(r'name="ids" value="([^"]*)"', r.text)
    assert ids
    client.post("/judgements/withdraw", data={"ids": ids[1], "next": "/person/P-000001"})
    assert client.get("/api/judgements").json() == []


def test_an_upload_from_the_jobs_page_shows_its_job(client: TestClient, world: object) -> None:
    r = client.post(
        "/jobs", files={"file": ("tiny.csv", b"full_name\n", "text/csv")}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs?job=")


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_a_post_from_another_site_is_refused(client: TestClient) -> None:
    r = client.post(
        "/person/P-000001/merge",
        data={"other": "P-000002"},
        headers={"origin": "http://evil.example"},
    )
    assert (r.status_code, r.json()) == (403, {"error": "cross-site request refused"})
    assert client.get("/api/judgements").json() == []
    same = client.post(
        "/api/review/decide",
        data={"a": "x", "b": "y", "decision": "same"},
        headers={"origin": "http://testserver"},
    )
    assert same.status_code != 403  # the site's own pages may post


def test_no_page_loads_anything_from_the_network(reader: TestClient) -> None:
    assert reader.get("/docs").status_code == 404  # the CDN-backed documentation is off
    for page in ("/", "/review", "/person/P-000001", "/sources", "/estimates"):
        html = reader.get(page).text
        # no script, stylesheet, image or frame from elsewhere (links to sources are fine)
        assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)=[\"']?(https?:)?//", html)


def test_the_sources_page_lists_every_ingested_file_with_its_hash(
    reader: TestClient, world: World
) -> None:
    with Session.open(world.ws, "t", read_only=True) as s:
        files = workspace.files(s)
    page = reader.get("/sources").text
    assert files and all(f'title="{f["sha256"]}"' in page for f in files)
    assert all(f["records"] > 0 and f["ingests"] >= 1 for f in files)
