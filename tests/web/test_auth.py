"""Signing in and out, session cookies, API tokens, CSRF, sign-in throttling and lock-out,
pages by role, the audit page, and events that name the real user."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.accounts import PASSWORD, TEAM, client_as, csrf_of, sign_in, team_workspace
from tests.web.conftest import World
from unaccounted.service import accounts, link
from unaccounted.web import auth
from unaccounted.web.app import Web, create_app

pytestmark = pytest.mark.slow  # the session's world takes about 20 s to build


@pytest.fixture
def team(world: World, tmp_path: Path) -> Path:
    return team_workspace(world.ws, tmp_path / "ws")


@pytest.fixture
def app(team: Path) -> Iterator[FastAPI]:
    served = create_app(team, "server")
    with TestClient(served):  # runs the lifespan: the session closes at the end
        yield served


def web_of(app: FastAPI) -> Web:
    found = app.state.web
    assert isinstance(found, Web)
    return found


def events(app: FastAPI, command: str) -> list[dict[str, object]]:
    web = web_of(app)
    with web.lock, web.session.acting_as(TEAM["admin"]) as s:
        return [e for e in s.store.events() if e["command"] == command]


# -- signing in ----------------------------------------------------------------------------


def test_signing_in_sets_a_signed_http_only_same_site_cookie(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/login")
    assert page.status_code == 200 and 'name="csrf"' in page.text
    r = sign_in(client, TEAM["reviewer"])
    assert (r.status_code, r.headers["location"]) == (303, "/")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{auth.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # served over http here
    assert client.get("/api/session").json()["user"] == "rita"
    # the page shows who is signed in and a sign-out button
    html = client.get("/").text
    assert "rita (reviewer)" in html and 'id="logout"' in html


def test_over_https_the_cookie_is_secure(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    r = client.get("/login")
    assert "Secure" in r.headers["set-cookie"]


def test_a_wrong_password_is_refused_and_signing_out_ends_the_session(app: FastAPI) -> None:
    client = TestClient(app)
    r = sign_in(client, TEAM["editor"], "not the password")
    assert r.status_code == 401 and "wrong name or password" in r.text
    assert client.get("/api/session").json()["user"] is None
    sign_in(client, TEAM["editor"])
    assert client.get("/api/session").json()["role"] == "editor"
    out = client.post("/logout", follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert client.get("/api/session").json()["user"] is None
    assert client.get("/sources", follow_redirects=False).status_code == 303


def test_a_forged_or_expired_cookie_signs_nobody_in(app: FastAPI) -> None:
    web = web_of(app)
    forged, _ = auth.Cookies(b"another secret, another workspace!!", 12).sign("ada")
    assert TestClient(app, cookies={auth.COOKIE: forged}).get("/api/session").json()["user"] is None
    # a cookie signed here, but older than [web] session_hours
    good, _ = web.cookies.sign("ada")
    client = TestClient(app, cookies={auth.COOKIE: good})
    assert client.get("/api/session").json()["user"] == "ada"
    web.cookies.max_age = -1
    assert TestClient(app, cookies={auth.COOKIE: good}).get("/api/session").json()["user"] is None


def test_a_removed_account_is_signed_out(app: FastAPI) -> None:
    client = client_as(app, "viewer")
    web = web_of(app)
    with web.lock, web.session.acting_as(TEAM["admin"]) as s:
        accounts.remove_user(s, TEAM["viewer"])
    assert client.get("/api/session").json()["user"] is None
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_secret_is_owner_only_and_never_shown(app: FastAPI, team: Path) -> None:
    path = team / auth.SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = path.read_text("ascii")
    client = client_as(app, "admin")
    for page in ("/", "/audit", "/api/session", "/api/audit", "/login"):
        assert secret not in client.get(page).text
    # the same secret the next time the workspace is served: sessions survive a restart
    assert auth.web_secret(team) == secret.encode()
    path.chmod(0o644)  # a copy that others could read is made owner-only again
    assert auth.web_secret(team) == secret.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- CSRF ----------------------------------------------------------------------------------


def test_a_post_without_a_valid_csrf_token_is_refused(app: FastAPI) -> None:
    client = client_as(app, "reviewer")
    pair = client.get("/api/review/next?reviewer=x").json()
    form = {"a": pair["a"], "b": pair["b"], "decision": "same"}
    token = client.headers.pop("X-CSRF-Token")
    for data in (form, {**form, "csrf": "not-the-token"}, {**form, "csrf": ""}):
        page = client.post("/review/decide", data=data, follow_redirects=False)
        assert page.status_code == 403 and "CSRF" in page.text
    api = client.post("/api/review/decide", data=form)
    assert api.status_code == 403
    assert api.json() == {"error": "this form has expired or came from another site (no valid "
                                   "CSRF token); reload the page and try again"}  # fmt: skip
    assert events(app, "judge") == []  # nothing was decided
    # the form's field or the script's header: both accepted
    ok = client.post("/review/decide", data={**form, "csrf": token}, follow_redirects=False)
    assert ok.status_code == 303
    ok = client.post("/api/review/decide", data=form, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200
    assert [e["actor"] for e in events(app, "judge")] == ["rita", "rita"]


def test_the_sign_in_form_needs_its_token_too(app: FastAPI) -> None:
    client = TestClient(app)
    r = client.post("/login", data={"name": "ada", "password": PASSWORD})
    assert r.status_code == 403
    assert client.get("/api/session").json()["user"] is None


def test_every_form_carries_the_token(app: FastAPI) -> None:
    client = client_as(app, "admin")
    token = csrf_of(client)
    for page in ("/person/P-000001?done=1", "/review", "/jobs", "/login", "/account"):
        html = client.get(page).text
        forms = html.count('<form method="post"')
        assert forms > 0
        assert html.count(f'<input type="hidden" name="csrf" value="{token}">') == forms, page
    assert f'<meta name="csrf-token" content="{token}">' in client.get("/").text


def test_an_api_token_needs_no_cookie_and_no_csrf_token(app: FastAPI) -> None:
    web = web_of(app)
    with web.lock, web.session.acting_as(TEAM["reviewer"]) as s:
        info, token = accounts.create_token(s, TEAM["reviewer"], "script")
    script = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert script.get("/api/session").json()["user"] == "rita"
    pair = script.get("/api/review/next?reviewer=script").json()
    r = script.post("/api/review/decide", data={"a": pair["a"], "b": pair["b"], "decision": "same"})
    assert r.status_code == 200
    assert "set-cookie" not in r.headers
    assert script.get("/api/rejects").status_code == 403  # the account's role still decides
    bad = TestClient(app, headers={"Authorization": "Bearer ua_1_" + "0" * 64})
    assert bad.get("/api/status").status_code == 401
    with web.lock, web.session.acting_as(TEAM["admin"]) as s:
        accounts.revoke_token(s, info.id)
    assert script.get("/api/status").status_code == 401


# -- throttling and lock-out ---------------------------------------------------------------


def test_password_guessing_is_slowed_and_locks_the_account(app: FastAPI) -> None:
    client = TestClient(app)
    codes, messages = [], []
    for guess in range(12):
        r = sign_in(client, TEAM["reviewer"], f"guess number {guess}")
        codes.append(r.status_code)
        messages.append(r.text)
    # five failures lock the account ([web] login_attempts); the eleventh attempt in a
    # minute from one address is refused before any password is checked
    assert codes == [401] * 10 + [429] * 2
    assert "rita is now locked until" in messages[4]
    assert "rita is locked until" in messages[5]
    assert "Too many sign-in attempts from this address" in messages[10]
    web_of(app).throttle = auth.Throttle()  # a minute later
    right = sign_in(client, TEAM["reviewer"])
    assert right.status_code == 401 and "rita is locked until" in right.text  # still locked
    outcomes = [(e["actor"], e["outcome"]) for e in events(app, "login")]
    assert outcomes.count(("rita", "refused")) == 4
    assert outcomes.count(("rita", "locked")) == 7  # the lock, five attempts while locked, and now


def test_the_throttle_counts_a_minute_per_address() -> None:
    throttle = auth.Throttle(rate=3, window=60)
    assert [throttle.allow("10.0.0.1", t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert throttle.allow("10.0.0.2", 3)  # another address
    assert throttle.allow("10.0.0.1", 60.5)  # the first attempt is a minute old


# -- pages by role, the audit page ---------------------------------------------------------


def nav_of(html: str) -> list[str]:
    start, end = html.index("<nav>"), html.index("</nav>")
    return [part.split('"')[0] for part in html[start:end].split('href="')[1:]]


def test_the_navigation_shows_what_the_role_may_do(app: FastAPI) -> None:
    # testimonies, incidents and places: their published forms for viewers
    viewer = ["/", "/concealment", "/estimates", "/nowcast", "/testimonies", "/incidents",
              "/places"]  # fmt: skip
    reviewer = [
        "/",
        "/review",
        "/concealment",
        "/estimates",
        "/nowcast",
        "/sources",
        "/testimonies",
        "/incidents",
        "/places",
    ]
    expected = {
        "viewer": viewer,
        "reviewer": reviewer,
        "editor": [*reviewer, "/jobs"],
        "admin": [*reviewer, "/jobs", "/audit"],
    }  # fmt: skip
    for role, links in expected.items():
        assert nav_of(client_as(app, role).get("/").text) == links, role
    # a viewer's person page offers no split, merge or undo, and lists no judgements
    html = client_as(app, "viewer").get("/person/P-000001").text
    assert "/split" not in html and "/merge" not in html and 'id="judgements"' not in html
    assert 'id="judgements"' in client_as(app, "reviewer").get("/person/P-000001").text


def test_a_workspace_without_accounts_serves_everyone_as_the_server_actor(
    world: World, tmp_path: Path
) -> None:  # fmt: skip
    import shutil

    ws = Path(shutil.copytree(world.ws, tmp_path / "ws"))
    with TestClient(create_app(ws, "solo")) as client:
        assert client.get("/api/session").json() == {
            "user": None, "role": None, "actor": "solo", "accounts": False,
            "csrf": csrf_of(client),
        }  # fmt: skip
        assert len(nav_of(client.get("/").text)) == 11  # everyone may do everything
        assert client.get("/audit").status_code == 200


def test_the_audit_page_shows_who_did_what(app: FastAPI) -> None:
    reviewer = client_as(app, "reviewer")
    pair = reviewer.get("/api/review/next?reviewer=r").json()
    decided = reviewer.post("/review/decide", data={"a": pair["a"], "b": pair["b"],
                                                    "decision": "different"})  # fmt: skip
    assert decided.status_code == 200
    admin = client_as(app, "admin")
    html = admin.get("/audit", params={"actor": "rita"}).text
    assert '<td class="actor">rita</td><td class="action">judge</td>' in html
    assert "&#34;decision&#34;: &#34;different&#34;" in html  # the details, escaped
    assert '<p class="chain ok" id="chain">The hash chain is intact: ' in html
    rows = admin.get("/api/audit", params={"actor": "rita"}).json()
    assert [(r["actor"], r["command"]) for r in rows[:2]] == [("rita", "judge"), ("rita", "login")]
    # the judgement itself names the reviewer too
    web = web_of(app)
    with web.lock, web.session.acting_as(TEAM["admin"]) as s:
        assert link.judgements(s)[-1]["actor"] == "rita"


def test_the_audit_page_says_when_the_chain_is_broken(app: FastAPI) -> None:
    web = web_of(app)
    with web.lock:
        web.session.store.execute("UPDATE events SET actor = 'mallory' WHERE event_id = 2")
    html = client_as(app, "admin").get("/audit").text
    assert ('<p class="chain broken" id="chain"><strong>The hash chain is broken:</strong> '
            "audit log broken at entry 2 (edited)") in html  # fmt: skip


def test_a_job_runs_as_the_editor_who_started_it(app: FastAPI, world: World) -> None:
    editor = client_as(app, "editor")
    data = (world.sim / "sources" / "graves.csv").read_bytes()
    mapping = (world.sim / "sources" / "graves.yaml").read_bytes()
    files = {"file": ("graves_2.csv", data, "text/csv"),
             "mapping": ("graves.yaml", mapping, "text/yaml")}  # fmt: skip
    started = editor.post("/api/jobs", files=files, data={"source": "Graves again"})
    assert started.status_code == 200, started.text
    web = web_of(app)
    web.jobs._thread.join(timeout=300)  # type: ignore[union-attr]
    assert editor.get(f"/api/jobs/{started.json()['id']}").json()["state"] == "done"
    actors = {e["actor"] for c in ("ingest", "normalize", "link") for e in events(app, c)
              if e["logged_at"] > events(app, "login")[0]["logged_at"]}  # fmt: skip
    assert actors == {"edik"}


def test_signing_in_returns_only_to_a_page_of_this_site(app: FastAPI) -> None:
    for target, landing in (("/sources?x=1", "/sources?x=1"), ("//evil.example/", "/"),
                            ("/\\evil.example/", "/"), ("https://evil.example/", "/")):  # fmt: skip
        client = TestClient(app)
        form = {"name": "ada", "password": PASSWORD, "csrf": csrf_of(client), "next": target}
        r = client.post("/login", data=form, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, landing), target


def test_signing_in_leaves_the_person_views_current(app: FastAPI) -> None:
    # a sign-in is an event, but changes no person: pages keep reading the stored views
    # without checking them again (each sign-in made a person page 3x slower before)
    web = web_of(app)
    with web.lock:
        before = web.session.store.newest_event()
    client_as(app, "viewer")
    client_as(app, "reviewer")
    with web.lock:
        assert web.session.store.newest_event() == before
        assert [e["command"] for e in web.session.store.events(2)] == ["login", "login"]


def test_a_user_changes_their_password_and_keeps_their_tokens_in_the_page(app: FastAPI) -> None:
    client = client_as(app, "reviewer")
    page = client.get("/account")
    assert page.status_code == 200 and "rita (reviewer)" in page.text
    new = "a longer passphrase for rita"

    def change(current: str, password: str, repeat: str) -> Any:
        form = {"current": current, "password": password, "repeat": repeat}
        return client.post("/account/password", data=form, follow_redirects=False)

    differ = change(PASSWORD, new, new + "!")
    assert differ.status_code == 400 and "The two new passwords differ" in differ.text
    wrong = change("not it at all", new, new)
    assert wrong.status_code == 400 and "wrong name or password" in wrong.text
    ok = change(PASSWORD, new, new)
    assert (ok.status_code, ok.headers["location"]) == (303, "/account?done=password")
    assert sign_in(TestClient(app), "rita").status_code == 401  # the old password is gone
    assert sign_in(TestClient(app), "rita", new).status_code == 303
    # a token: shown on the page that made it, never again, and it works until revoked
    made = client.post("/account/tokens", data={"label": "nightly <b>export</b>"})
    assert made.headers["cache-control"] == "no-store"
    token = re.search(r"<code>(ua_\d+_[0-9a-f]{64})</code>", made.text)
    assert token is not None
    assert "nightly &lt;b&gt;export&lt;/b&gt;" in made.text
    assert token[1] not in client.get("/account").text
    script = TestClient(app, headers={"Authorization": f"Bearer {token[1]}"})
    assert script.get("/api/session").json()["user"] == "rita"
    token_id = int(token[1].split("_")[1])
    revoked = client.post(f"/account/tokens/{token_id}/revoke", follow_redirects=False)
    assert revoked.headers["location"] == "/account?done=revoked"
    assert script.get("/api/status").status_code == 401
    # another account's token is not one's own to revoke
    with web_of(app).lock, web_of(app).session.acting_as("ada") as s:
        theirs, _ = accounts.create_token(s, "ada", "admin's")
    other = client.post(f"/account/tokens/{theirs.id}/revoke")
    assert other.status_code == 403 and "rita may not revoke an API token of ada" in other.text
