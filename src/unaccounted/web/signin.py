"""Signing in and out, and the audit page an admin reads.

A sign-in posts a name and a password (and the form's CSRF token); the accounts service
checks them, counts failures and locks an account after too many. On top of that one
address may try :data:`unaccounted.web.auth.LOGIN_RATE` times a minute (then 429). A
successful sign-in gets a new signed cookie with a new CSRF token.
"""

from __future__ import annotations

import contextlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from unaccounted.service import accounts, workspace
from unaccounted.web import i18n
from unaccounted.web.app import Web, web_of

router = APIRouter(include_in_schema=False)
W = Annotated[Web, Depends(web_of)]


def _local(path: str | None) -> str:
    """Only a path on this site may be a redirect target."""
    # not "//host" nor "/\\host", which browsers read as another site
    return path if path and path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


@router.get("/login")
def login_page(request: Request, web: W, next: str = "/") -> Response:
    with web.use() as s:
        has = accounts.has_accounts(s)
    return web.render(request, "login.html", next=_local(next), error=None, name="",
                      has_accounts=has)  # fmt: skip


@router.post("/login")
def login(
    request: Request, web: W, name: Annotated[str, Form()], password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:  # fmt: skip
    """Sign in: a new session cookie, then back to where the visitor was going."""
    address = request.client.host if request.client else "unknown"
    if not web.throttle.allow(address):
        message = i18n.translator(web.lang(request))("login.throttled")
        return web.render(request, "login.html", 429, next=_local(next), error=message,
                          name=name, has_accounts=True)  # fmt: skip
    try:
        with web.use() as s:
            account = accounts.authenticate(s, name.strip(), password)
    except accounts.LoginRefused as exc:
        with web.use() as s:
            has = accounts.has_accounts(s)
        return web.render(request, "login.html", 401, next=_local(next), error=str(exc),
                          name=name, has_accounts=has)  # fmt: skip
    request.state.session_cookie, _ = web.cookies.sign(account.name)
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout")
def logout(request: Request, web: W) -> Response:
    """Sign out: the cookie names nobody and carries a new CSRF token."""
    request.state.session_cookie, _ = web.cookies.sign(None)
    return RedirectResponse("/login", status_code=303)


def audit_events(web: Web, actor: str, limit: int) -> list[dict[str, Any]]:
    """The newest events (of ``actor``, if given), for admins."""
    with web.use() as s:
        s.check("audit-log")
        rows = workspace.events(s, None if actor else limit)
    if actor:
        rows = [r for r in rows if r["actor"] == actor][:limit]
    return rows


@router.get("/audit")
def audit_page(
    request: Request, web: W, actor: str = "", limit: int = Query(200, ge=1, le=10_000)
) -> Response:  # fmt: skip
    rows = audit_events(web, actor.strip(), limit)
    for row in rows:
        row["details"] = _details(row.get("args"), row.get("counts"))
    return web.render(request, "audit.html", events=rows, who=actor, limit=limit)


def _details(*parts: Any) -> str:
    shown = []
    for part in parts:
        if isinstance(part, str):
            with contextlib.suppress(ValueError):
                part = json.loads(part)
        if part:
            shown.append(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str))
    return " ".join(shown)
