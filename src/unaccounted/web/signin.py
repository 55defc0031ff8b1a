"""Signing in and out, one's own account (password, API tokens), and the audit page.

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

from unaccounted.errors import InputError
from unaccounted.service import PermissionDenied, accounts, audit
from unaccounted.web import auth, i18n
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
    """The newest entries of the audit log (of ``actor``, if given), for admins."""
    with web.use() as s:
        entries = audit.log(s, actor=actor or None, limit=limit)
    return [
        {"event_id": e.event_id, "logged_at": e.logged_at, "actor": e.actor,
         "command": e.action, "outcome": e.outcome, "args": e.args, "counts": e.counts,
         "message": e.message, "entry_hash": e.entry_hash}
        for e in entries
    ]  # fmt: skip


@router.get("/audit")
def audit_page(
    request: Request, web: W, actor: str = "", limit: int = Query(200, ge=1, le=10_000)
) -> Response:  # fmt: skip
    rows = audit_events(web, actor.strip(), limit)
    for row in rows:
        row["details"] = _details(row.get("args"), row.get("counts"))
    with web.use() as s:
        chain = audit.verify(s)  # the page is an admin's: one walk of the chain
    return web.render(request, "audit.html", events=rows, who=actor, limit=limit, chain=chain)


def _details(*parts: Any) -> str:
    shown = []
    for part in parts:
        if isinstance(part, str):
            with contextlib.suppress(ValueError):
                part = json.loads(part)
        if part:
            shown.append(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str))
    return " ".join(shown)


# -- one's own account: password and API tokens --------------------------------------------


def _signed_in() -> str:
    """The signed-in account, or a refusal (a visitor who is not signed in is sent to sign
    in; a workspace without accounts has no account pages)."""
    visitor = auth.current.get()
    if visitor is None or visitor.user is None:
        raise PermissionDenied("this page is about your own account: sign in first")
    return visitor.user


def _account_page(
    request: Request, web: Web, status: int = 200, **ctx: Any
) -> Response:  # fmt: skip
    name = _signed_in()
    with web.use() as s:
        me = accounts.account(s, name)
        mine = accounts.tokens(s, name)
    ctx.setdefault("error", None)
    ctx.setdefault("new_token", None)
    response = web.render(request, "account.html", status, me=me, tokens=mine, **ctx)
    response.headers["Cache-Control"] = "no-store"  # a new token is on it once
    return response


@router.get("/account")
def account_page(request: Request, web: W, done: str = "") -> Response:
    return _account_page(request, web, done=done)


@router.post("/account/password")
def change_password(
    request: Request, web: W, current: Annotated[str, Form()],
    password: Annotated[str, Form()], repeat: Annotated[str, Form()],
) -> Response:  # fmt: skip
    """Change one's own password: the current one first (counted as a sign-in)."""
    name = _signed_in()
    _ = i18n.translator(web.lang(request))
    if not web.throttle.allow(request.client.host if request.client else "unknown"):
        return _account_page(request, web, 429, error=_("login.throttled"))
    if password != repeat:
        return _account_page(request, web, 400, error=_("account.differ"))
    try:
        with web.use() as s:
            accounts.authenticate(s, name, current)
            accounts.set_password(s, name, password)
    except (accounts.LoginRefused, InputError) as exc:
        return _account_page(request, web, 400, error=str(exc).splitlines()[0])
    return RedirectResponse("/account?done=password", status_code=303)


@router.post("/account/tokens")
def create_token(request: Request, web: W, label: Annotated[str, Form()] = "") -> Response:
    """A new API token for oneself, shown on this one page and never again."""
    name = _signed_in()
    with web.use() as s:
        info, token = accounts.create_token(s, name, label)
    return _account_page(request, web, new_token=token, new_id=info.id)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(web: W, token_id: int) -> Response:
    _signed_in()
    with web.use() as s:
        accounts.revoke_token(s, token_id)
    return RedirectResponse("/account?done=revoked", status_code=303)
