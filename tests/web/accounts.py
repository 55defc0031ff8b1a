"""A team for the web tests: a workspace with one account of each role, and clients
signed in as them (through the sign-in form, as a browser does)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from unaccounted.service import Session, accounts

PASSWORD = "correct horse battery"
#: One account per role (invented names).
TEAM = {"viewer": "vera", "reviewer": "rita", "editor": "edik", "admin": "ada"}


def team_workspace(source: Path, dest: Path, *, public: bool = False) -> Path:
    """A copy of ``source`` with the team's accounts (and ``[web] public`` if asked)."""
    ws = Path(shutil.copytree(source, dest))
    with Session.open(ws, "setup") as s:
        accounts.add_user(s, TEAM["admin"], "admin", PASSWORD)  # the first: an admin
        with s.acting_as(TEAM["admin"]):
            for role, name in TEAM.items():
                if role != "admin":
                    accounts.add_user(s, name, role, PASSWORD)
    if public:
        toml = ws / "unaccounted.toml"
        text = toml.read_text("utf-8")
        toml.write_text(re.sub(r"(?m)^public = false$", "public = true", text), "utf-8")
    return ws


def csrf_of(client: TestClient | httpx.Client) -> str:
    token = client.get("/api/session").json()["csrf"]
    assert isinstance(token, str) and token
    return token


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Post the sign-in form with the session's CSRF token; afterwards the client sends
    the new session's token with every request."""
    r = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(client), "next": "/"},
        follow_redirects=False,
    )
    client.headers["X-CSRF-Token"] = csrf_of(client)
    return r


def client_as(app: FastAPI, role: str | None, **kwargs: object) -> TestClient:
    """A client signed in with the account of ``role`` (None: not signed in)."""
    client = TestClient(app, **kwargs)  # type: ignore[arg-type]
    if role is None:
        client.headers["X-CSRF-Token"] = csrf_of(client)
    else:
        assert sign_in(client, TEAM[role]).status_code == 303
    return client
