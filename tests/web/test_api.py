"""The JSON API: every route answers, the OpenAPI document lists them, and writes are
judgements and jobs through the service."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.conftest import World
from unaccounted.errors import InputError
from unaccounted.service import Session, jobs, persons, workspace
from unaccounted.web import api, testimony_api

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build


def _api_routes() -> set[tuple[str, str]]:
    return {
        (method, route.path_format)
        for router in (api.router, testimony_api.router)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def test_the_openapi_document_parses_and_lists_every_api_route(reader: TestClient) -> None:
    doc = json.loads(reader.get("/openapi.json").text)
    listed = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    # every /api route is in the document, and the document holds nothing else
    assert listed == _api_routes()
    assert doc["openapi"].startswith("3.")
    # the routes of web/api.py, each exercised below (session and audit in test_auth.py), and
    # the 22 of web/testimony_api.py (tests/web/test_testimonies.py,
    # tests/web/test_testimony_editing.py)
    assert len(listed) == 24 + 22


def test_status_is_the_status_contract_of_the_command_line(reader: TestClient) -> None:
    got = reader.get("/api/status").json()
    assert list(got)[:4] == ["sources", "records", "rejects", "persons"]
    # 9 simulated sources and the hostile one
    assert got["sources"] == 10


def test_a_person_is_the_person_view_with_its_judgements(reader: TestClient) -> None:
    got = reader.get("/api/persons/P-000001").json()
    assert got["person_id"] == "P-000001"
    assert {"best", "grade", "history", "claims", "linkage", "judgements"} <= set(got)
    assert got["judgements"] == []  # nobody has judged yet


def test_an_unknown_person_is_a_404_with_one_line(reader: TestClient) -> None:
    r = reader.get("/api/persons/P-999999")
    assert r.status_code == 404
    assert "\n" not in r.json()["error"] and "P-999999" in r.json()["error"]


def test_dossiers_concealment_sources_rejects(reader: TestClient, world: World) -> None:
    with Session.open(world.ws, "t", read_only=True) as s:
        report = persons.concealment(s)
        first = report[0]
        sources = workspace.sources(s)
    conc = reader.get("/api/concealment").json()
    # the test world is too small for a unit to have enough officially missing: the reason
    # is given as 'concealment --json' gives it; the service still lists the units
    assert report.message is not None and report.message.startswith("no unit has 5 officially")
    assert conc == {"message": report.message, "units": []}
    assert reader.get(f"/api/units/{first.unit}").json()["unit"] == first.unit
    region = reader.get("/api/regions/RU-MOW")
    assert region.status_code in (200, 404)
    assert reader.get("/api/sources").json() == sources
    assert reader.get("/api/rejects").json() == []  # the simulated sources reject nothing


def test_estimates_and_nowcast_carry_intervals(reader: TestClient) -> None:
    est = reader.get("/api/estimates").json()
    total = est["rows"][-1]
    assert total["stratum"] and total["documented"] > 0
    assert "warnings" in est
    by_unit = reader.get("/api/estimates", params={"by": "unit"}).json()
    assert len(by_unit["rows"]) > 2
    now = reader.get("/api/nowcast").json()
    assert now["rows"] and all(r["lower"] <= r["estimate"] <= r["upper"] for r in now["rows"])


def test_estimates_take_the_dead_among_the_missing_and_the_reporting_delay(
    reader: TestClient,
) -> None:
    plain = reader.get("/api/estimates", params={"by": "period"}).json()
    both = reader.get(
        "/api/estimates", params={"by": "period", "dead_among_missing": True, "delay": True}
    ).json()
    assert [r["stratum"] for r in both["rows"]] == [r["stratum"] for r in plain["rows"]]
    total = both["rows"][-1]
    # the total says what each step added, and grew by it
    step, late = total["dead_among_missing"], total["reporting_delay"]
    assert step["added"] > 0 and late["added"] > 0
    assert total["estimate"] > plain["rows"][-1]["estimate"]
    scaled = [r for r in both["rows"][:-1] if "reporting_delay" in r]
    assert scaled and all(r["reporting_delay"]["factor"] > 1 for r in scaled)
    # the same options on the page, which says what was added
    page = reader.get("/estimates", params={"by": "period", "dead_among_missing": True,
                                            "delay": True})  # fmt: skip
    assert page.status_code == 200
    assert "dead among the missing" in page.text and "not reported yet" in page.text
    # scaling quarters needs quarters: a one-line error, nothing else
    wrong = reader.get("/api/estimates", params={"by": "unit", "delay": True})
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "--reporting-delay scales quarters; use it with --by period"}


def test_exports_stream_every_person_and_record(reader: TestClient) -> None:
    status = reader.get("/api/status").json()
    rows = list(csv.reader(io.StringIO(reader.get("/api/export/persons.csv").text)))
    assert len(rows) == status["persons"] + 1  # a header and one row per person
    lines = reader.get("/api/export/records.jsonl").text.splitlines()
    assert len(lines) == status["records"]
    records = list(csv.reader(io.StringIO(reader.get("/api/export/records.csv").text)))
    assert len(records) == status["records"] + 1
    # a hostile name that a spreadsheet would run is written as text
    assert not any(cell.startswith("=") for row in records for cell in row)
    people = reader.get("/api/export/persons.jsonl").text.splitlines()
    assert len(people) == status["persons"]
    for what in ("persons", "records"):
        assert reader.get(f"/api/export/{what}.parquet").content[:4] == b"PAR1"


def test_a_bad_export_format_or_source_is_one_line(reader: TestClient) -> None:
    r = reader.get("/api/export/records.xlsx")
    assert r.status_code == 400 and "unknown export format 'xlsx'" in r.json()["error"]
    r = reader.get("/api/export/records.csv", params={"source": "nope"})
    assert r.status_code == 404 and "no source named 'nope'" in r.json()["error"]


def test_search_returns_hits_with_why(reader: TestClient) -> None:
    got = reader.get("/api/search", params={"q": "Иванов"}).json()
    assert got["query"] == "Иванов"
    # namesakes, best first, each with the name as written and why it matched
    assert got["hits"] and "Иванов" in got["hits"][0]["name"]
    assert all(h["why"] and h["person_id"] for h in got["hits"])


def test_two_reviewers_get_different_pairs_and_decisions_are_judgements(
    client: TestClient, workspace: Path
) -> None:
    before = client.get("/api/review/progress").json()
    one = client.get("/api/review/next", params={"reviewer": "ann"}).json()
    two = client.get("/api/review/next", params={"reviewer": "bob"}).json()
    assert (one["a"], one["b"]) != (two["a"], two["b"])  # a leased pair is not handed out twice
    assert one["persons"][0] != one["persons"][1]  # pairs inside one person are not offered
    assert any(f["state"] in ("same", "differ", "one") for f in one["fields"])
    r = client.post(
        "/api/review/decide",
        data={"a": one["a"], "b": one["b"], "decision": "same", "reviewer": "ann"},
    )
    jid = r.json()["judgement"]
    after = client.get("/api/review/progress").json()
    assert after == {"decided": before["decided"] + 1, "remaining": before["remaining"] - 1}
    judged = client.get("/api/judgements").json()
    assert [(j["judgement_id"], j["decision"], j["actor"]) for j in judged] == [
        (jid, "same", "tester")
    ]
    # undo: withdrawn, the pair is open again
    assert client.post(f"/api/judgements/{jid}/withdraw").json() == {"withdrawn": jid}
    assert client.get("/api/review/progress").json() == before
    assert client.post(f"/api/judgements/{jid}/withdraw").status_code == 404


def test_a_decision_word_that_is_not_one_is_refused(client: TestClient) -> None:
    one = client.get("/api/review/next").json()
    r = client.post("/api/review/decide", data={"a": one["a"], "b": one["b"], "decision": "??"})
    assert r.status_code == 400 and "unknown decision" in r.json()["error"]


def test_split_and_merge_are_undoable_judgements(client: TestClient) -> None:
    person = client.get("/api/persons/P-000001").json()
    records = [f"{r['source_id']}:{r['record_id']}" for r in person["linkage"]["records"]]
    split = client.post("/api/persons/P-000001/split", data={"record": records[0]}).json()
    # one "different" judgement against each other record of the person
    assert len(split["judgements"]) == len(records) - 1
    shown = client.get("/api/persons/P-000001").json()["judgements"]
    assert {j["decision"] for j in shown} == {"different"}
    merged = client.post("/api/persons/P-000001/merge", data={"other": "P-000002"}).json()
    assert len(merged["judgements"]) == 1
    bad = client.post("/api/persons/P-000001/merge", data={"other": "P-000001"})
    assert bad.status_code == 400 and "itself" in bad.json()["error"]
    for jid in [*split["judgements"], *merged["judgements"]]:
        client.post(f"/api/judgements/{jid}/withdraw")
    assert client.get("/api/judgements").json() == []


def _wait(client: TestClient, job_id: int) -> dict[str, object]:
    for _ in range(600):
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError("the job did not finish in 120 s")


def test_an_upload_job_ingests_normalizes_and_links(
    client: TestClient, world: World, workspace: Path
) -> None:
    before = client.get("/api/status").json()
    data = (world.sim / "sources" / "graves.csv").read_bytes()
    mapping = (world.sim / "sources" / "graves.yaml").read_bytes()
    r = client.post(
        "/api/jobs",
        files={
            "file": ("graves_2.csv", data, "text/csv"),
            "mapping": ("graves.yaml", mapping, "text/yaml"),
        },
        data={"source": "Graves again"},
    )
    assert r.status_code == 200, r.text
    job = _wait(client, r.json()["id"])
    assert job["state"] == "done" and job["fraction"] == 1.0, job
    after = client.get("/api/status").json()
    assert after["sources"] == before["sources"] + 1
    assert after["records"] == before["records"] + job["counts"]["ingest"]["accepted"]  # type: ignore[index]
    assert client.get("/api/jobs").json()[0]["id"] == job["id"]


def test_a_failed_job_leaves_the_workspace_as_it_was(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = client.get("/api/status").json()
    bad_mapping = b"columns:\n  name: not_a_column\n"
    r = client.post(
        "/api/jobs",
        files={
            "file": ("x.csv", b"full_name\nA\n", "text/csv"),
            "mapping": ("m.yaml", bad_mapping, "text/yaml"),
        },
    )
    assert r.status_code == 400 and "not a canonical column" in r.json()["error"]

    # ingest and normalize commit, then link fails: the job puts the store back
    def broken(*args: object, **kwargs: object) -> None:
        raise InputError("link broke\nsecond line")

    monkeypatch.setattr(jobs, "link", broken)
    data = (world.sim / "sources" / "graves.csv").read_bytes()
    r = client.post("/api/jobs", files={"file": ("graves_3.csv", data, "text/csv")})
    job = _wait(client, r.json()["id"])
    assert (job["state"], job["step"], job["message"]) == ("failed", "link", "link broke")
    assert client.get("/api/status").json() == before  # the ingested source is gone again
    # and the next job may run
    monkeypatch.undo()
    r = client.post("/api/jobs", files={"file": ("graves_4.csv", data, "text/csv")})
    assert _wait(client, r.json()["id"])["state"] == "done"


def test_one_job_at_a_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_link(*args: object, **kwargs: object) -> object:
        release.wait(60)
        raise InputError("stopped by the test")

    monkeypatch.setattr(jobs, "link", slow_link)
    first = client.post("/api/jobs", files={"file": ("a.csv", b"full_name\nA\n", "text/csv")})
    assert first.status_code == 200
    second = client.post("/api/jobs", files={"file": ("b.csv", b"full_name\nB\n", "text/csv")})
    assert second.status_code == 400
    assert second.json()["error"] == f"job {first.json()['id']} is still running; one job at a time"
    release.set()
    assert _wait(client, first.json()["id"])["state"] == "failed"
