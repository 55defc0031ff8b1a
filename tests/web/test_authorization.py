"""Every web route and API endpoint, by every role and by a visitor who is not signed in:
allowed exactly when the role reaches the least role of the route's action
(``service/actions.py``). The routes are read from the application, so a new route
without an expectation here fails the test."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from tests.web.accounts import PASSWORD, TEAM, client_as, team_workspace
from tests.web.conftest import World
from unaccounted.errors import InputError
from unaccounted.service import (
    ACTIONS,
    Session,
    accounts,
    persons,
    testimonies,
    testimony_publication,
)
from unaccounted.service.actions import role_rank
from unaccounted.web import auth
from unaccounted.web.app import Web, create_app

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build

#: A route anyone may reach, signed in or not.
OPEN = ""
#: A route about one's own account: any signed-in account, never a visitor who is not.
SIGNED_IN = "(signed in)"

#: (method, path) → the action the route asks of the permission hook (OPEN: none).
EXPECTED: dict[tuple[str, str], str] = {
    # pages
    ("GET", "/"): "search",
    ("GET", "/person/{person_id}"): "person",
    ("POST", "/person/{person_id}/split"): "split-record",
    ("POST", "/person/{person_id}/merge"): "merge-persons",
    ("POST", "/judgements/withdraw"): "withdraw-judgement",
    ("GET", "/review"): "review-queue",
    ("POST", "/review/decide"): "judge",
    ("POST", "/review/undo"): "withdraw-judgement",
    ("GET", "/unit/{key:path}"): "unit",
    ("GET", "/region/{code}"): "region",
    ("GET", "/concealment"): "concealment",
    ("GET", "/sources"): "sources",
    ("GET", "/estimates"): "estimate",
    ("GET", "/nowcast"): "nowcast",
    ("GET", "/jobs"): "run-job",
    ("POST", "/jobs"): "run-job",
    ("GET", "/audit"): "audit-log",
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("POST", "/account/tokens"): SIGNED_IN,
    ("POST", "/account/tokens/{token_id}/revoke"): SIGNED_IN,
    ("GET", "/lang/{code}"): OPEN,
    ("GET", "/login"): OPEN,
    ("POST", "/login"): OPEN,
    ("POST", "/logout"): OPEN,
    ("GET", "/static"): OPEN,
    ("GET", "/openapi.json"): OPEN,
    ("GET", "/testimonies"): "published-accounts",
    ("GET", "/testimonies/new"): "testimony-add",
    ("POST", "/testimonies"): "testimony-add",
    ("GET", "/testimony/{testimony_id}"): "published-accounts",
    ("GET", "/incidents"): "published-accounts",
    ("GET", "/incidents/new"): "incident-add",
    ("POST", "/incidents"): "incident-add",
    ("GET", "/incident/{incident_id}"): "published-accounts",
    ("POST", "/incident/{incident_id}/involve"): "incident-involve",
    ("POST", "/incident/{incident_id}/link"): "incident-link",
    ("POST", "/testimony/{testimony_id}/suggest"): "testimony-suggest",
    ("POST", "/suggestion/{suggestion_id}"): "suggestion-reject",
    ("GET", "/places"): "published-accounts",
    ("POST", "/places"): "place-add",
    ("GET", "/place/{name:path}"): "published-accounts",
    ("GET", "/testimonies/import"): "testimony-import",
    ("POST", "/testimonies/import"): "testimony-import",
    ("POST", "/incident/{incident_id}/edit"): "incident-edit",
    ("POST", "/incident/{incident_id}/uninvolve"): "incident-uninvolve",
    ("POST", "/testimony/{testimony_id}/passage"): "testimony-passage",
    # the API
    ("GET", "/api/session"): OPEN,
    ("GET", "/api/audit"): "audit-log",
    ("GET", "/api/status"): "status",
    ("GET", "/api/search"): "search",
    ("GET", "/api/persons/{person_id}"): "person",
    ("POST", "/api/persons/{person_id}/split"): "split-record",
    ("POST", "/api/persons/{person_id}/merge"): "merge-persons",
    ("GET", "/api/judgements"): "judgements",
    ("POST", "/api/judgements/{judgement_id}/withdraw"): "withdraw-judgement",
    ("GET", "/api/review/next"): "review-queue",
    ("GET", "/api/review/progress"): "review-queue",
    ("POST", "/api/review/decide"): "judge",
    ("GET", "/api/units/{key:path}"): "unit",
    ("GET", "/api/regions/{code}"): "region",
    ("GET", "/api/concealment"): "concealment",
    ("GET", "/api/sources"): "sources",
    ("GET", "/api/rejects"): "rejects",
    ("GET", "/api/estimates"): "estimate",
    ("GET", "/api/nowcast"): "nowcast",
    ("GET", "/api/jobs"): "run-job",
    ("GET", "/api/jobs/{job_id}"): "run-job",
    ("POST", "/api/jobs"): "run-job",
    ("GET", "/api/export/persons.{fmt}"): "export-persons",
    ("GET", "/api/export/records.{fmt}"): "export-records",
    ("GET", "/api/testimonies"): "published-accounts",
    ("POST", "/api/testimonies"): "testimony-add",
    ("GET", "/api/testimonies/{testimony_id}"): "published-accounts",
    ("GET", "/api/testimonies/{testimony_id}/suggestions"): "testimonies",
    ("POST", "/api/testimonies/{testimony_id}/suggestions"): "testimony-suggest",
    ("POST", "/api/suggestions/{suggestion_id}"): "suggestion-reject",
    ("GET", "/api/incident-types"): "incidents",
    ("GET", "/api/incidents"): "published-accounts",
    ("POST", "/api/incidents"): "incident-add",
    ("GET", "/api/incidents/{incident_id}"): "published-accounts",
    ("POST", "/api/incidents/{incident_id}/involvements"): "incident-involve",
    ("POST", "/api/incidents/{incident_id}/testimonies"): "incident-link",
    ("GET", "/api/places"): "published-accounts",
    ("POST", "/api/places"): "place-add",
    ("GET", "/api/places/{name:path}"): "published-accounts",
    ("GET", "/api/person-incidents/{person_id}"): "incidents",
    ("GET", "/api/unit-incidents/{key:path}"): "incidents",
    ("POST", "/api/testimonies/import"): "testimony-import",
    ("GET", "/api/export/incidents.{fmt}"): "export-published-incidents",
    ("PATCH", "/api/incidents/{incident_id}"): "incident-edit",
    ("DELETE", "/api/incidents/{incident_id}/involvements/{involvement}"): "incident-uninvolve",
    ("POST", "/api/testimonies/{testimony_id}/passages"): "testimony-passage",
}

VISITORS = (None, "viewer", "reviewer", "editor", "admin")
#: The names of the places the walks add (each new in its workspace).
PLACES = itertools.count(1)


def routes_of(routes: list[Any], prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every route, routers included (FastAPI nests them)."""
    found = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found |= routes_of(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Mount):
            found.add(("GET", prefix + route.path))
        else:
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    found.add((method, prefix + getattr(route, "path", "")))
    return found


@dataclass
class Facts:
    """Real ids to put in the routes' paths and forms."""

    person: str  # a person with two records or more
    record: str  # one of its records
    other: str  # another person
    unit: str
    region: str
    pair: tuple[str, str]  # an open pair of the review queue


def facts_of(web: Web, admin: TestClient) -> Facts:
    with web.lock, web.session.acting_as(TEAM["admin"]) as s:
        unit = persons.concealment(s)[0].unit  # listed, if not ranked
    view = admin.get("/api/persons/P-000001").json()
    first = view["linkage"]["records"][0]
    assert len(view["linkage"]["records"]) > 1
    pair = admin.get("/api/review/next?reviewer=facts").json()
    return Facts("P-000001", f"{first['source_id']}:{first['record_id']}", "P-000002", unit,
                 view["best"]["region"]["value"], (pair["a"], pair["b"]))  # fmt: skip


Request = tuple[str, dict[str, Any]]


def requests(
    f: Facts, admin: TestClient, web: Web, tokens: list[int]
) -> dict[tuple[str, str], Callable[[], Request]]:
    """How to call each route with arguments it accepts (prepared just before the call);
    ``tokens`` are API tokens of the visitor's own account."""

    def judgement() -> int:
        r = admin.post("/api/review/decide",
                       data={"a": f.pair[0], "b": f.pair[1], "decision": "unsure"})  # fmt: skip
        assert r.status_code == 200, r.text
        return int(r.json()["judgement"])

    def token() -> int:
        """A token of the visitor's own account (the one signed in for the walk)."""
        return tokens.pop() if tokens else 1

    def idle() -> None:
        for _ in range(600):
            if web.jobs.running() is None:
                return
            time.sleep(0.05)
        raise AssertionError("a job did not finish")

    upload = {"files": {"file": ("a.csv", b"full_name\nA\n", "text/csv")}}

    def testimony() -> dict[str, Any]:
        return {
            "data": {
                "kind": "media_report",
                "source": "a paper",
                "language": "ru",
                "text": "Текст.",
            }
        }

    def place() -> dict[str, Any]:
        return {"data": {"name": f"place {next(PLACES)}"}}

    def suggestion() -> str:
        """A fresh open suggestion (of a new testimony naming a soldier by rank)."""
        text = "Рядового Сергея Иванова держали в подвале."
        made = admin.post("/api/testimonies", data={"kind": "media_report", "source": "a paper",
                                                    "language": "ru", "text": text})  # fmt: skip
        assert made.status_code == 200, made.text
        found = admin.post(f"/api/testimonies/{made.json()['id']}/suggestions")
        assert found.status_code == 200, found.text
        return str(found.json()[0]["id"])

    def reject_page() -> Request:
        sid = suggestion()
        return f"/suggestion/{sid}", {"data": {"testimony": "T-1", "decision": "reject"}}

    involve = {"data": {"role": "perpetrator", "unit": "25 ОМСБр"}}

    def involvement() -> int:
        """A fresh involvement of I-1, for a walk to remove."""
        made = admin.post("/api/incidents/I-1/involvements", data=involve["data"])
        assert made.status_code == 200, made.text
        return int(made.json()["involvement"])

    accounts_csv = {
        "files": {
            "file": ("a.csv", b"kind,source,language,text\nmedia_report,a paper,ru,x\n", "text/csv")
        }
    }
    level = {"data": {"passage": "0:3", "level": "public"}}
    support = {"data": {"testimony": "T-1"}}
    pair = {"a": f.pair[0], "b": f.pair[1], "decision": "unsure"}
    return {
        ("GET", "/"): lambda: ("/?q=Иванов", {}),
        ("GET", "/person/{person_id}"): lambda: (f"/person/{f.person}", {}),
        ("POST", "/person/{person_id}/split"): lambda: (
            f"/person/{f.person}/split", {"data": {"record": f.record}}),
        ("POST", "/person/{person_id}/merge"): lambda: (
            f"/person/{f.person}/merge", {"data": {"other": f.other}}),
        ("POST", "/judgements/withdraw"): lambda: (
            "/judgements/withdraw", {"data": {"ids": str(judgement())}}),
        ("GET", "/review"): lambda: ("/review", {}),
        ("POST", "/review/decide"): lambda: ("/review/decide", {"data": pair}),
        ("POST", "/review/undo"): lambda: ("/review/undo", {"data": {"judgement": judgement()}}),
        ("GET", "/unit/{key:path}"): lambda: (f"/unit/{f.unit}", {}),
        ("GET", "/region/{code}"): lambda: (f"/region/{f.region}", {}),
        ("GET", "/concealment"): lambda: ("/concealment", {}),
        ("GET", "/sources"): lambda: ("/sources", {}),
        ("GET", "/estimates"): lambda: ("/estimates", {}),
        ("GET", "/nowcast"): lambda: ("/nowcast", {}),
        ("GET", "/jobs"): lambda: ("/jobs", {}),
        ("POST", "/jobs"): lambda: (idle(), ("/jobs", upload))[1],
        ("GET", "/audit"): lambda: ("/audit", {}),
        ("GET", "/account"): lambda: ("/account", {}),
        ("POST", "/account/password"): lambda: ("/account/password", {"data": {
            "current": PASSWORD, "password": PASSWORD, "repeat": PASSWORD}}),
        ("POST", "/account/tokens"): lambda: ("/account/tokens", {"data": {"label": "m"}}),
        ("POST", "/account/tokens/{token_id}/revoke"): lambda: (
            f"/account/tokens/{token()}/revoke", {}),
        ("GET", "/lang/{code}"): lambda: ("/lang/ru?next=/", {}),
        ("GET", "/login"): lambda: ("/login", {}),
        ("POST", "/login"): lambda: ("/login", {"data": {"name": TEAM["viewer"],
                                                         "password": PASSWORD}}),
        ("POST", "/logout"): lambda: ("/logout", {}),
        ("GET", "/static"): lambda: ("/static/app.css", {}),
        ("GET", "/openapi.json"): lambda: ("/openapi.json", {}),
        ("GET", "/api/session"): lambda: ("/api/session", {}),
        ("GET", "/api/audit"): lambda: ("/api/audit?limit=5", {}),
        ("GET", "/api/status"): lambda: ("/api/status", {}),
        ("GET", "/api/search"): lambda: ("/api/search?q=Иванов", {}),
        ("GET", "/api/persons/{person_id}"): lambda: (f"/api/persons/{f.person}", {}),
        ("POST", "/api/persons/{person_id}/split"): lambda: (
            f"/api/persons/{f.person}/split", {"data": {"record": f.record}}),
        ("POST", "/api/persons/{person_id}/merge"): lambda: (
            f"/api/persons/{f.person}/merge", {"data": {"other": f.other}}),
        ("GET", "/api/judgements"): lambda: ("/api/judgements", {}),
        ("POST", "/api/judgements/{judgement_id}/withdraw"): lambda: (
            f"/api/judgements/{judgement()}/withdraw", {}),
        ("GET", "/api/review/next"): lambda: ("/api/review/next?reviewer=matrix", {}),
        ("GET", "/api/review/progress"): lambda: ("/api/review/progress", {}),
        ("POST", "/api/review/decide"): lambda: ("/api/review/decide", {"data": pair}),
        ("GET", "/api/units/{key:path}"): lambda: (f"/api/units/{f.unit}", {}),
        ("GET", "/api/regions/{code}"): lambda: (f"/api/regions/{f.region}", {}),
        ("GET", "/api/concealment"): lambda: ("/api/concealment", {}),
        ("GET", "/api/sources"): lambda: ("/api/sources", {}),
        ("GET", "/api/rejects"): lambda: ("/api/rejects?limit=5", {}),
        ("GET", "/api/estimates"): lambda: ("/api/estimates", {}),
        ("GET", "/api/nowcast"): lambda: ("/api/nowcast", {}),
        ("GET", "/api/jobs"): lambda: ("/api/jobs", {}),
        ("GET", "/api/jobs/{job_id}"): lambda: ("/api/jobs/1", {}),
        ("POST", "/api/jobs"): lambda: (idle(), ("/api/jobs", upload))[1],
        ("GET", "/api/export/persons.{fmt}"): lambda: ("/api/export/persons.csv", {}),
        ("GET", "/api/export/records.{fmt}"): lambda: ("/api/export/records.csv", {}),
        ("GET", "/testimonies"): lambda: ("/testimonies", {}),
        ("GET", "/testimonies/new"): lambda: ("/testimonies/new", {}),
        ("POST", "/testimonies"): lambda: ("/testimonies", testimony()),
        ("GET", "/testimony/{testimony_id}"): lambda: ("/testimony/T-1", {}),
        ("GET", "/incidents"): lambda: ("/incidents", {}),
        ("GET", "/incidents/new"): lambda: ("/incidents/new", {}),
        ("POST", "/incidents"): lambda: ("/incidents", {"data": {"type": "torture"}}),
        ("GET", "/incident/{incident_id}"): lambda: ("/incident/I-1?q=Иванов", {}),
        ("POST", "/incident/{incident_id}/involve"): lambda: ("/incident/I-1/involve", involve),
        ("POST", "/incident/{incident_id}/link"): lambda: ("/incident/I-1/link", support),
        ("POST", "/testimony/{testimony_id}/suggest"): lambda: ("/testimony/T-1/suggest", {}),
        ("POST", "/suggestion/{suggestion_id}"): reject_page,
        ("GET", "/places"): lambda: ("/places", {}),
        ("POST", "/places"): lambda: ("/places", place()),
        ("GET", "/place/{name:path}"): lambda: ("/place/the yard", {}),
        ("GET", "/api/testimonies"): lambda: ("/api/testimonies", {}),
        ("POST", "/api/testimonies"): lambda: ("/api/testimonies", testimony()),
        ("GET", "/api/testimonies/{testimony_id}"): lambda: ("/api/testimonies/T-1", {}),
        ("GET", "/api/testimonies/{testimony_id}/suggestions"): lambda: (
            "/api/testimonies/T-1/suggestions", {}),
        ("POST", "/api/testimonies/{testimony_id}/suggestions"): lambda: (
            "/api/testimonies/T-1/suggestions", {}),
        ("POST", "/api/suggestions/{suggestion_id}"): lambda: (
            f"/api/suggestions/{suggestion()}", {"data": {"decision": "reject"}}),
        ("GET", "/api/incident-types"): lambda: ("/api/incident-types", {}),
        ("GET", "/api/incidents"): lambda: ("/api/incidents", {}),
        ("POST", "/api/incidents"): lambda: ("/api/incidents", {"data": {"type": "torture"}}),
        ("GET", "/api/incidents/{incident_id}"): lambda: ("/api/incidents/I-1", {}),
        ("POST", "/api/incidents/{incident_id}/involvements"): lambda: (
            "/api/incidents/I-1/involvements", involve),
        ("POST", "/api/incidents/{incident_id}/testimonies"): lambda: (
            "/api/incidents/I-1/testimonies", support),
        ("GET", "/api/places"): lambda: ("/api/places", {}),
        ("POST", "/api/places"): lambda: ("/api/places", place()),
        ("GET", "/api/places/{name:path}"): lambda: ("/api/places/the yard", {}),
        ("GET", "/api/person-incidents/{person_id}"): lambda: (
            f"/api/person-incidents/{f.person}", {}),
        ("GET", "/api/unit-incidents/{key:path}"): lambda: (f"/api/unit-incidents/{f.unit}", {}),
        ("GET", "/testimonies/import"): lambda: ("/testimonies/import", {}),
        ("POST", "/testimonies/import"): lambda: ("/testimonies/import", accounts_csv),
        ("POST", "/incident/{incident_id}/edit"): lambda: (
            "/incident/I-1/edit", {"data": {"type": "torture"}}),
        ("POST", "/incident/{incident_id}/uninvolve"): lambda: (
            "/incident/I-1/uninvolve", {"data": {"involvement": str(involvement())}}),
        ("POST", "/testimony/{testimony_id}/passage"): lambda: ("/testimony/T-1/passage", level),
        ("POST", "/api/testimonies/import"): lambda: ("/api/testimonies/import", accounts_csv),
        ("GET", "/api/export/incidents.{fmt}"): lambda: ("/api/export/incidents.csv", {}),
        ("PATCH", "/api/incidents/{incident_id}"): lambda: (
            "/api/incidents/I-1", {"data": {"summary": "s"}}),
        ("DELETE", "/api/incidents/{incident_id}/involvements/{involvement}"): lambda: (
            f"/api/incidents/I-1/involvements/{involvement()}", {}),
        ("POST", "/api/testimonies/{testimony_id}/passages"): lambda: (
            "/api/testimonies/T-1/passages", level),
    }  # fmt: skip


def allowed(role: str | None, action: str, public: bool) -> bool:
    if action == OPEN:
        return True
    if action == SIGNED_IN:
        return role is not None
    least = role_rank(ACTIONS[action].role)
    if role is None:
        return public and least <= role_rank("viewer")
    return role_rank(role) >= least


@dataclass
class Served:
    app: FastAPI
    web: Web
    facts: Facts
    public: bool


def _served(world: World, folder: Path, public: bool) -> Iterator[Served]:
    ws = team_workspace(world.ws, folder / "ws", public=public)
    with Session.open(ws, TEAM["editor"]) as s:  # an account, a place, an incident
        testimonies.add_place(s, "the yard", 47.25, 38.5)
        testimonies.add_testimony(s, "Текст.".encode(), kind="media_report", source="a paper",
                                  language="ru")  # fmt: skip
        testimonies.add_incident(s, "torture", place="the yard")
        testimony_publication.publish_incident(s, "I-1")  # viewers see its published form
    app = create_app(ws, "server")
    web = app.state.web
    web.throttle = auth.Throttle(rate=10_000)  # many sign-ins here; throttling: test_auth.py

    def stopped(*args: object, **kwargs: object) -> object:
        raise InputError("stopped by the test")  # a job that fails at once

    with pytest.MonkeyPatch.context() as mp, TestClient(app):
        mp.setattr("unaccounted.service.jobs.ingest", stopped)
        admin = client_as(app, "admin")
        facts = facts_of(web, admin)
        assert admin.post("/api/jobs", files={"file": ("j.csv", b"a\n1\n", "text/csv")}).json()[
            "id"] == 1  # fmt: skip
        yield Served(app, web, facts, public)


@pytest.fixture(scope="module")
def closed(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _served(world, tmp_path_factory.mktemp("closed"), public=False)


@pytest.fixture(scope="module")
def public(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _served(world, tmp_path_factory.mktemp("public"), public=True)


def test_every_route_has_an_expectation(closed: Served) -> None:
    assert routes_of(closed.app.routes) == set(EXPECTED)
    calls = requests(closed.facts, client_as(closed.app, None), closed.web, [])
    assert set(calls) == set(EXPECTED)


def outcome(r: Any) -> str:
    if r.status_code in (401, 403):
        return "deny"
    if r.status_code == 303 and r.headers["location"].startswith("/login?next="):
        return "deny"
    if 200 <= r.status_code < 400:
        return "allow"
    return f"broken {r.status_code}: {r.text[:200]}"


def walk(served: Served, role: str | None) -> list[str]:
    client = client_as(served.app, role)
    admin = client_as(served.app, "admin")
    tokens = []
    if role is not None:
        web = served.web
        with web.lock, web.session.acting_as(TEAM[role]) as s:
            tokens.append(accounts.create_token(s, TEAM[role], "walk")[0].id)
    calls = requests(served.facts, admin, served.web, tokens)
    wrong = []
    # signing out last: it ends the client's session
    for method, path in sorted(EXPECTED, key=lambda k: (k == ("POST", "/logout"), k)):
        url, kwargs = calls[(method, path)]()
        if (method, path) == ("POST", "/login"):
            client = client_as(served.app, role)  # a fresh session (the form needs its token)
        r = client.request(method, url, follow_redirects=False, **kwargs)
        if (method, path) == ("POST", "/login"):
            client = client_as(served.app, role)  # and back to the visitor under test
        want = "allow" if allowed(role, EXPECTED[(method, path)], served.public) else "deny"
        if outcome(r) != want:
            wrong.append(f"{role or 'anonymous'} {method} {url}: {outcome(r)}, expected {want}")
    return wrong


@pytest.mark.parametrize("role", VISITORS)
def test_each_role_reaches_exactly_what_its_role_allows(closed: Served, role: str | None) -> None:
    assert walk(closed, role) == []


@pytest.mark.parametrize("role", VISITORS)
def test_a_public_workspace_lets_visitors_read_as_viewers(
    public: Served, role: str | None
) -> None:  # fmt: skip
    assert walk(public, role) == []


def test_anonymous_pages_go_to_the_sign_in_and_the_api_says_401(closed: Served) -> None:
    client = TestClient(closed.app)
    r = client.get("/person/P-000001", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2Fperson%2FP-000001")
    api = client.get("/api/status")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert api.json() == {"error": "sign in first: send 'Authorization: Bearer <API token>'"}


def test_a_denied_signed_in_user_gets_a_403_naming_the_action(closed: Served) -> None:
    viewer = client_as(closed.app, "viewer")
    r = viewer.get("/jobs")
    assert r.status_code == 403
    assert "vera may not run an ingest, normalize and link job" in r.text
    assert viewer.get("/api/rejects").json() == {"error": "vera may not list the rejected rows"}
