"""Importing accounts, exporting incidents and changing the record from the web, by role:
an editor uploads a table (its one-line error names the row refused, and nothing is taken
in), a reviewer downloads the incident export as ``incident export`` writes it (an editor
also with protected names, an audited event), an editor changes an incident, removes an
involvement and sets a passage's level; each change is one audited event. The map of
places draws the shipped outline under its points."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web import test_testimonies as base
from tests.web.accounts import TEAM
from tests.web.conftest import World
from tests.web.test_testimonies import Team
from tests.web.test_xss import SCRIPT
from unaccounted.service import testimony_io

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build


@pytest.fixture(scope="module")
def team(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """The team of tests/web/test_testimonies.py, in a workspace of this module's own."""
    yield from base.team.__wrapped__(world, tmp_path_factory)  # type: ignore[attr-defined]


#: Two accounts (invented), the first with its incident at a registered place.
ACCOUNTS = (
    "kind,source,language,date,text,incident_type,incident_from,incident_place\n"
    'media_report,paper D,ru,2024-05,"Задержанных держали в гараже.",unlawful_detention,'
    "2024-05,Тихая Заводь, склад\n"
    "media_report,paper E,ru,2024-06,Ещё одна заметка.,,,\n"
).replace(",Тихая Заводь, склад", ',"Тихая Заводь, склад"')
#: The same, with the second row's kind misspelt and a third row without a language.
BAD = ACCOUNTS.replace("media_report,paper E", "rumour,paper E") + "media_report,paper F,,,x,,,\n"


def counts(client: TestClient) -> tuple[int, int, int]:
    """Testimonies, incidents and audit events (read by the admin)."""
    admin = client.app.state.web  # type: ignore[attr-defined]
    with admin.lock, admin.session.acting_as(TEAM["admin"]) as s:
        c = s.store.counts()
        return int(c.get("testimonies", 0)), len(s.store.incidents()), len(s.store.events())


def error_line(html: str) -> str:
    found = re.findall(r'<p class="error" id="error">(.*?)</p>', html, re.S)
    assert len(found) == 1
    return unescape(found[0])


def upload(client: TestClient, path: str, content: str, name: str = "accounts.csv",
           **data: str) -> Any:  # fmt: skip
    return client.post(path, data=data, files={"file": (name, content.encode(), "text/csv")})


def test_an_editor_imports_accounts_through_the_page_and_the_api(team: Team) -> None:
    editor = team.clients["editor"]
    assert 'id="import-testimonies"' in editor.get("/testimonies").text
    assert 'id="import-form"' in editor.get("/testimonies/import").text
    before = editor.get("/api/testimonies").json()
    r = upload(editor, "/testimonies/import", ACCOUNTS)
    assert r.status_code == 200, r.text
    first = len(before) + 1
    ids = [f"T-{first}", f"T-{first + 1}"]
    assert unescape(re.findall(r'<p id="imported">(.*?)</p>', r.text)[0]) == (
        "Imported 2 testimonies from accounts.csv as csv."
    )
    assert [f'href="/testimony/{t}"' in r.text for t in ids] == [True, True]
    made = editor.get(f"/api/testimonies/{ids[0]}").json()
    assert (made["source"], made["date_edtf"], made["level"], made["text"]) == (
        "paper D", "2024-05", "public", "Задержанных держали в гараже.")  # fmt: skip
    # the same through the API, with the format named: the file as uploaded, never the
    # folder the server kept it in (removed once read)
    got = upload(editor, "/api/testimonies/import", ACCOUNTS, "again.csv", format="csv").json()
    assert got == {"file": "again.csv", "format": "csv",
                   "testimonies": [f"T-{first + 2}", f"T-{first + 3}"],
                   "incidents": [got["incidents"][0]], "skipped": [],
                   "ignored_fields": []}  # fmt: skip
    web = editor.app.state.web  # type: ignore[attr-defined]
    assert list(web.uploads.glob("import-*")) == []


def test_a_bad_upload_is_one_line_naming_the_row_and_stores_nothing(team: Team) -> None:
    editor = team.clients["editor"]
    before = counts(editor)
    r = upload(editor, "/testimonies/import", BAD)
    assert r.status_code == 400
    assert error_line(r.text) == (
        "accounts.csv line 3: unknown testimony kind 'rumour'; choose one of interview, "
        "written_statement, media_report, court_document, form_submission; 1 more rows "
        "refused (lines 4); nothing imported"
    )
    api = upload(editor, "/api/testimonies/import", BAD, "bad.csv")
    assert api.status_code == 400 and api.json()["error"].startswith("bad.csv line 3: ")
    # not a table at all; a misspelt column; a format that is none
    for content, name, form, message in (
        ("\x00\x01\x02", "x.csv", {}, None),
        ("kind,source,language,text,witnes\ninterview,a,ru,x,y\n", "t.csv", {},
         "t.csv: column 'witnes' is not a testimony column"),
        (ACCOUNTS, "a.csv", {"format": "xlsx"}, None),
    ):  # fmt: skip
        r = upload(editor, "/api/testimonies/import", content, name, **form)
        assert r.status_code == 400, r.text
        line = r.json()["error"]
        assert "\n" not in line and "uploads" not in line
        assert message is None or line.startswith(message)
    # every refusal took nothing in and left no event but the refusals' own
    testimonies, incidents, _ = counts(editor)
    assert (testimonies, incidents) == before[:2]
    web = editor.app.state.web  # type: ignore[attr-defined]
    assert list(web.uploads.glob("import-*")) == []


def test_only_editors_import_and_a_refusal_is_one_line(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    before = counts(reviewer)
    assert 'id="import-testimonies"' not in reviewer.get("/testimonies").text
    r = reviewer.get("/testimonies/import")
    assert r.status_code == 403
    assert error_line(r.text) == "rita may not import testimonies from a table or a form export"
    assert upload(reviewer, "/testimonies/import", ACCOUNTS).status_code == 403
    assert upload(reviewer, "/api/testimonies/import", ACCOUNTS).json() == {
        "error": "rita may not import testimonies from a table or a form export"}  # fmt: skip
    assert counts(reviewer)[:2] == before[:2]


def exported(team: Team, role: str, fmt: str) -> str:
    """``incident export`` as the service writes it for ``role``."""
    web = team.clients[role].app.state.web  # type: ignore[attr-defined]
    out = io.StringIO()
    with web.lock, web.session.acting_as(TEAM[role]) as s:
        testimony_io.export_incidents(s, fmt, stream=out)
    return out.getvalue()


def test_a_reviewer_downloads_the_incident_export_as_the_command_writes_it(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    html = reviewer.get("/incidents").text
    assert 'href="/api/export/incidents.csv"' in html and 'id="export-csv-protected"' not in html
    r = reviewer.get("/api/export/incidents.csv")
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="incidents.csv"'
    assert r.text == exported(team, "reviewer", "csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert int(r.headers["x-count"]) == len(rows)
    first = next(row for row in rows if row["incident_id"] == "I-1")
    assert (first["type"], first["from"], first["to"]) == ("torture", "2024-03", "2024-03-17")
    assert first["witness"] == "[protected]"  # a sealed name
    ftm = reviewer.get("/api/export/incidents.ftm")
    assert ftm.status_code == 200 and ftm.headers["content-type"] == "application/x-ndjson"
    assert ftm.text == exported(team, "reviewer", "ftm")
    lines = [json.loads(x) for x in ftm.text.splitlines()]
    assert int(ftm.headers["x-count"]) == len(lines)
    assert "uc-incident-I-1" in {x["id"] for x in lines}
    assert reviewer.get("/api/export/incidents.xlsx").json() == {
        "error": "unknown export format 'xlsx'; use one of: csv, ftm"}  # fmt: skip
    # protected names: editors only, and an audited event
    before = counts(reviewer)
    denied = reviewer.get("/api/export/incidents.csv", params={"protected": "true"})
    assert denied.status_code == 403 and denied.json() == {
        "error": "rita may not export protected fields"}  # fmt: skip
    assert counts(reviewer) == before  # nothing written
    editor = team.clients["editor"]
    assert 'id="export-csv-protected"' in editor.get("/incidents").text
    opened = editor.get("/api/export/incidents.csv", params={"protected": "true"})
    witness = next(row for row in csv.DictReader(io.StringIO(opened.text))
                   if row["incident_id"] == "I-1")["witness"]  # fmt: skip
    assert witness == f"Иван {SCRIPT}"
    last = team.clients["admin"].get("/api/audit", params={"actor": "edik", "limit": 1}).json()
    assert (last[0]["command"], last[0]["args"]) == (
        "export-protected", {"what": "incidents", "format": "csv"})  # fmt: skip


def test_an_editor_changes_an_incident_removes_an_involvement_and_sets_a_level(
    team: Team,
) -> None:
    editor = team.clients["editor"]
    made = editor.post("/api/incidents", data={"type": "threat", "start": "2024-05"}).json()["id"]
    page = editor.get(f"/incident/{made}").text
    assert 'id="edit-form"' in page
    r = editor.post(f"/incident/{made}/edit", follow_redirects=False, data={
        "type": "extortion", "start": "2024-06", "end": "2024-06-20",
        "place": "тихая заводь, склад", "summary": "a demand for money"})  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, f"/incident/{made}")
    got = editor.get(f"/api/incidents/{made}").json()
    assert (got["type"], got["from_edtf"], got["to_edtf"], got["place_id"], got["summary"]) == (
        "extortion", "2024-06", "2024-06-20", "PL-1", "a demand for money")  # fmt: skip
    # the API changes only what is sent; no_place clears the place
    cleared = editor.patch(f"/api/incidents/{made}", data={"no_place": "true", "summary": "s"})
    assert cleared.json() == {"changed": ["place_id", "summary"]}  # fmt: skip
    got = editor.get(f"/api/incidents/{made}").json()
    assert (got["type"], got["place_id"], got["summary"]) == ("extortion", None, "s")
    # bad input: one line, nothing changed
    before = counts(editor)
    for form, message in (({"type": "nonsense"}, "unknown incident type 'nonsense'"),
                          ({"start": "2024-07", "end": "2024-06"}, "--to 2024-06 is before"),
                          ({"place": "nowhere"}, "no place named 'nowhere'")):  # fmt: skip
        r = editor.patch(f"/api/incidents/{made}", data=form)
        assert r.status_code in (400, 404) and r.json()["error"].startswith(message), r.text
    assert editor.get(f"/api/incidents/{made}").json()["summary"] == "s"
    # an involvement named, then removed through the page and the API
    one = editor.post(
        f"/api/incidents/{made}/involvements", data={"role": "perpetrator", "unit": team.spelling}
    ).json()["involvement"]
    two = editor.post(
        f"/api/incidents/{made}/involvements", data={"role": "victim", "person": team.person}
    ).json()["involvement"]
    assert f'id="uninvolve-{one}"' in editor.get(f"/incident/{made}").text
    r = editor.post(f"/incident/{made}/uninvolve", data={"involvement": str(one)},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert editor.delete(f"/api/incidents/{made}/involvements/{two}").json() == {
        "removed": {"involvement": two, "role": "victim", "person": team.person}}  # fmt: skip
    assert editor.get(f"/api/incidents/{made}").json()["involvements"] == []
    assert editor.delete(f"/api/incidents/{made}/involvements/{two}").json() == {
        "error": f"no involvement '{two}' in incident {made}"}  # fmt: skip
    # a passage of the public report made confidential: the original is sealed with it
    assert 'id="passage-form"' in editor.get("/testimony/T-3").text
    r = editor.post("/testimony/T-3/passage", data={"passage": "0:12", "level": "restricted"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    got = editor.post("/api/testimonies/T-3/passages",
                      data={"passage": "12:20", "level": "confidential"}).json()  # fmt: skip
    assert got == {"id": "T-3", "seq": 2, "start": 12, "end": 20, "level": "confidential",
                   "sealed_original": True}  # fmt: skip
    assert (
        editor.post(
            "/api/testimonies/T-3/passages", data={"passage": "5:2", "level": "public"}
        ).status_code
        == 400
    )
    marks = [(p["start"], p["end"], p["level"])
             for p in editor.get("/api/testimonies/T-3").json()["passages"]]  # fmt: skip
    assert marks == [(0, 12, "restricted"), (12, 20, "confidential")]
    after = counts(editor)
    # eight writes: four involvements added and removed... counted by the audit log
    commands = [e["command"] for e in team.clients["admin"].get(
        "/api/audit", params={"actor": "edik", "limit": 6}).json()]  # fmt: skip
    assert commands == ["testimony-passage", "testimony-passage", "incident-uninvolve",
                        "incident-uninvolve", "incident-involve", "incident-involve"]  # fmt: skip
    assert after[2] > before[2]


def test_a_reviewer_may_not_change_anything_and_a_refusal_writes_nothing(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    page = reviewer.get("/incident/I-1").text
    assert 'id="edit-form"' not in page and "uninvolve" not in page
    assert 'id="passage-form"' not in reviewer.get("/testimony/T-1").text
    before = counts(reviewer)
    for method, path, data in (
        ("POST", "/incident/I-1/edit", {"type": "threat"}),
        ("PATCH", "/api/incidents/I-1", {"type": "threat"}),
        ("POST", "/incident/I-1/uninvolve", {"involvement": "1"}),
        ("DELETE", "/api/incidents/I-1/involvements/1", None),
        ("POST", "/testimony/T-1/passage", {"passage": "0:5", "level": "public"}),
        ("POST", "/api/testimonies/T-1/passages", {"passage": "0:5", "level": "public"}),
    ):
        r = reviewer.request(method, path, data=data)
        assert r.status_code == 403, (method, path)
        line = r.json()["error"] if path.startswith("/api") else error_line(r.text)
        assert line.startswith("rita may not ") and "\n" not in line
    assert counts(reviewer) == before


def test_the_map_draws_the_outline_under_the_points(team: Team) -> None:
    reviewer = team.clients["reviewer"]
    drawn = reviewer.get("/api/places").json()
    assert [c["country"] for c in drawn["outline"]] == ["RUS", "UKR"]
    assert drawn["outline_source"].startswith("Natural Earth 1:110m")
    html = reviewer.get("/places").text
    outline = html.index('id="outline"')
    assert outline < html.index('class="place"')  # drawn first: under the points
    assert html.count("<path d=") == 2 and 'data-country="UKR"' in html
