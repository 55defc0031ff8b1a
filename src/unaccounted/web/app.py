"""The application factory: one session on the workspace for the whole process.

One process owns the store: :func:`create_app` opens one :class:`Session`. A request that
writes uses it in turn (:meth:`Web.use`: a lock serializes them, and the background jobs
take the same lock); a request that only reads gets a read-only session on a cursor of its
own (:meth:`Web.read`, :attr:`Session.readers`), so reads run side by side
with each other and with a write in progress, seeing what is committed. Either acts as the
request's signed-in account (:mod:`unaccounted.web.auth`), so that the service's permission
hook decides what each request may do and every event names its user. The review leases
and the background jobs live here too, beside the session they use.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from unaccounted.errors import InputError, UnaccountedError, WorkspaceError
from unaccounted.present import link_url
from unaccounted.service import PermissionDenied, Session, accounts
from unaccounted.service.jobs import Jobs
from unaccounted.service.review import Leases
from unaccounted.service.session import STORAGE_FAILURES
from unaccounted.web import auth, i18n
from unaccounted.web.searching import Search, service_search

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")

#: The navigation: where, its message, and the action a user must be allowed to see it.
NAV = (
    ("/", "nav.search", "search"),
    ("/review", "nav.review", "review-queue"),
    ("/concealment", "nav.concealment", "concealment"),
    ("/estimates", "nav.estimates", "estimate"),
    ("/nowcast", "nav.nowcast", "nowcast"),
    ("/sources", "nav.sources", "sources"),
    ("/testimonies", "nav.testimonies", "published-accounts"),
    ("/incidents", "nav.incidents", "published-accounts"),
    ("/places", "nav.places", "published-accounts"),
    ("/jobs", "nav.jobs", "run-job"),
    ("/audit", "nav.audit", "audit-log"),
)
#: What a page may show or offer besides its navigation (asked of the hook per page).
FEATURES = ("judgements", "split-record", "merge-persons", "withdraw-judgement", "rejects",
            "incidents", "incident-edit", "incident-uninvolve", "testimony-passage",
            "testimony-import", "export-incidents", "export-protected")  # fmt: skip
#: Paths a visitor who is not signed in may always reach.
OPEN_PATHS = ("/login", "/logout", "/openapi.json", "/api/session")
OPEN_PREFIXES = ("/static/", "/lang/")


class Web:
    """What the routes share: the session, its lock, leases, jobs, templates, search."""

    def __init__(self, workspace: Path, actor: str | None, search: Search | None = None) -> None:
        self.session = Session.open(workspace, actor)
        settings = self.session.workspace.settings.web
        self.public = settings.public
        self.hook = auth.WebPermissions(lambda: self.session.store, self.public)
        self.session.permissions = self.hook
        self.actor = self.session.actor  # who acts while the workspace has no account
        self.session.store.schema_version()  # opened now: the process owns the store
        self.cookies = auth.Cookies(auth.web_secret(self.session.workspace.root),
                                    settings.session_hours)  # fmt: skip
        self.throttle = auth.Throttle()
        # a plain lock: a streamed export takes it in one worker thread and may release it
        # in another (a re-entrant lock must be released by its owner)
        self.lock = threading.Lock()
        self.leases = Leases()
        self.jobs = Jobs(self.session, self.lock)
        self.search = search or service_search
        self.uploads = workspace / "uploads"
        self.env = Environment(
            loader=PackageLoader("unaccounted.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["link_url"] = link_url
        self.env.filters["num"] = _num

    @contextmanager
    def use(self) -> Iterator[Session]:
        """The session, for one request at a time, acting as the request's visitor: for a
        request that writes (or reads what it is about to write)."""
        with self.lock, self.session.acting_as(self.acting()) as s, _mapped(s):
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session acting as the request's visitor, on a cursor of its own:
        for a request that only reads; it does not wait for other requests."""
        with self.session.readers.session(self.acting()) as s, _mapped(s):
            yield s

    def close(self) -> None:
        self.session.close()  # its readers first

    def acting(self) -> str:
        """The actor of the request being served (the serve's actor outside a request)."""
        visitor = auth.current.get()
        return visitor.actor if visitor is not None else self.actor

    def roles(self) -> dict[str, str]:
        """Each account's role (read from the store once, under the lock)."""
        loaded = self.hook.loaded
        if loaded is None:
            with self.lock:
                loaded = dict(self.hook.roles)
        return loaded

    def judge(self) -> Session:
        """The session's permission hook acting for the request's visitor, to ask without
        the store's lock (a running job holds it; its progress must still be shown)."""
        self.roles()
        return Session(self.session.workspace, self.acting(), self.hook)

    def check(self, action: str) -> None:
        """PermissionDenied unless the request's visitor may do ``action``."""
        self.judge().check(action)

    def allowed(self, actions: tuple[str, ...]) -> set[str]:
        """Which of ``actions`` the request's visitor may do (what the page shows)."""
        judge = self.judge()
        return {a for a in actions if judge.may(a)}

    def identify(self, request: Request) -> auth.Visitor | Response:
        """Who ``request`` comes from: an API token, a signed cookie, or nobody yet (who
        gets a cookie with a CSRF token). A bad API token is a 401 at once."""
        roles = self.roles()
        token = auth.bearer_token(request.headers)
        if token is not None:
            with self.lock:
                found = accounts.account_for_token(self.session, token) if roles else None
            if found is None:
                return _unauthorized("the API token is not valid: unknown, revoked or "
                                     "malformed (or the workspace has no accounts)")  # fmt: skip
            return auth.Visitor(found.name, found.name, "", found.role, bearer=True,
                                accounts=True)  # fmt: skip
        read = self.cookies.read(request.cookies.get(auth.COOKIE))
        cookie = None
        if read is None:
            cookie, csrf = self.cookies.sign(None)
            user = None
        else:
            user, csrf = read
        role = roles.get(user) if user else None
        if role is None:
            user = None
        actor = user or (auth.ANONYMOUS if roles else self.actor)
        return auth.Visitor(user, actor, csrf, role, accounts=bool(roles), cookie=cookie)

    def set_cookie(self, request: Request, response: Response, value: str) -> None:
        """Send the session cookie: signed, HttpOnly, SameSite=Lax, Secure over https."""
        response.set_cookie(auth.COOKIE, value, max_age=self.cookies.max_age, httponly=True,
                            samesite="lax", secure=request.url.scheme == "https")  # fmt: skip

    def lang(self, request: Request) -> str:
        return i18n.choose(request.cookies.get(i18n.COOKIE),
                           request.headers.get("accept-language"))  # fmt: skip

    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
        lang = self.lang(request)
        visitor = auth.current.get()
        may = self.allowed(tuple(a for _, _, a in NAV) + FEATURES)
        html = self.env.get_template(template).render(
            _=i18n.translator(lang), lang=lang, languages=i18n.LANGUAGES, request=request,
            here=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
            actor=self.acting(), job=self.jobs.running() if "run-job" in may else None,
            visitor=visitor, csrf=visitor.csrf if visitor else "",
            csrf_input=auth.csrf_input(visitor), may=may,
            nav=[(href, key) for href, key, action in NAV if action in may], **ctx,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)


@contextmanager
def _mapped(s: Session) -> Iterator[None]:
    """A damaged block or a full disk met while reading, as its one line (writes map it
    already)."""
    try:
        yield
    except Exception as exc:
        failure = s.storage_failure(exc)
        if failure is None or failure is exc:
            raise
        raise failure from exc


def _num(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        return f"{value:,.0f}".replace(",", "\u202f")
    return str(value)


def _unauthorized(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=401,
                        headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def _storage_failed(request: Request, exc: UnaccountedError) -> Response:
    """The one line of a damaged store or a full disk, without the store: JSON under
    ``/api``, else a bare page."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    status = status_of(exc)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    page = ('<!doctype html><html><head><meta charset="utf-8"><title>unaccounted</title>'
            f'</head><body><p class="error" id="error">{escape(message)}</p></body>'
            "</html>")  # fmt: skip
    return HTMLResponse(page, status_code=status)


def _to_login(request: Request) -> Response:
    here = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": here}), status_code=303)


def _open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


async def csrf_guard(request: Request) -> None:
    """Refuse a browser's request that changes something without the session's CSRF token
    (the ``X-CSRF-Token`` header, or a form's ``csrf`` field). API-token requests carry no
    cookie and are exempt."""
    if request.method in auth.SAFE_METHODS:
        return
    visitor = auth.current.get()
    given = request.headers.get(auth.CSRF_HEADER)
    kind = request.headers.get("content-type", "")
    if not given and kind.startswith(("application/x-www-form-urlencoded", "multipart/")):
        value = (await request.form()).get(auth.CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if visitor is None or not auth.csrf_ok(visitor, given):
        raise auth.CsrfRefused("this form has expired or came from another site (no valid "
                               "CSRF token); reload the page and try again")  # fmt: skip


def status_of(exc: UnaccountedError) -> int:
    """403 for a refused action, 404 for something that is not there, 503 for a damaged
    store or a full disk (the server cannot serve until someone repairs the store or frees
    space), else 400."""
    if isinstance(exc, STORAGE_FAILURES):
        return 503
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, InputError) and str(exc).startswith("no "):
        return 404
    return 400


def create_app(workspace: Path, actor: str | None, *, search: Search | None = None) -> FastAPI:
    """The web application over the workspace in ``workspace``, acting as ``actor``."""
    from unaccounted.web import api, pages, signin, testimony_api, testimony_pages

    web = Web(workspace, actor, search)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.close()

    app = FastAPI(
        lifespan=lifespan,
        # the interactive documentation pages load scripts from a CDN: not served
        docs_url=None,
        redoc_url=None,
        title="unaccounted",
        summary="Search persons, review pairs, read dossiers and estimates of a workspace.",
        version="1",
    )
    app.state.web = web
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    guarded = [Depends(csrf_guard)]
    app.include_router(api.router, dependencies=guarded)
    app.include_router(testimony_api.router, dependencies=guarded)
    app.include_router(signin.router, dependencies=guarded)
    app.include_router(pages.router, dependencies=guarded)
    app.include_router(testimony_pages.router, dependencies=guarded)

    @app.middleware("http")
    async def _visitor(request: Request, call_next: Any) -> Response:
        """Who the request comes from; a visitor who is not signed in is sent to sign in
        (pages) or refused (API) once the workspace has accounts, unless ``[web] public``.
        A form posted from another site is refused whatever its tokens."""
        if request.method not in auth.SAFE_METHODS:
            origin = request.headers.get("origin")
            if origin and urlsplit(origin).netloc != request.headers.get("host"):
                return JSONResponse({"error": "cross-site request refused"}, status_code=403)
        try:
            found = await run_in_threadpool(web.identify, request)
        except Exception as exc:
            failure = web.session.storage_failure(exc)
            if failure is None:
                raise
            return _storage_failed(request, failure)
        if isinstance(found, Response):
            return found
        visitor: auth.Visitor = found
        path = request.url.path
        if visitor.user is None and visitor.accounts and not web.public and not _open(path):
            if path.startswith("/api/"):
                return _unauthorized("sign in first: send 'Authorization: Bearer <API token>'")
            return _to_login(request)
        token = auth.current.set(visitor)
        try:
            response: Response = await call_next(request)
        finally:
            auth.current.reset(token)
        fresh = getattr(request.state, "session_cookie", visitor.cookie)
        if fresh is not None:
            web.set_cookie(request, response, fresh)
        return response

    @app.exception_handler(UnaccountedError)
    def _error(request: Request, exc: UnaccountedError) -> Response:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        visitor = auth.current.get()
        anonymous = visitor is not None and visitor.user is None and visitor.accounts
        if isinstance(exc, PermissionDenied) and not isinstance(exc, auth.CsrfRefused):
            if anonymous and request.url.path.startswith("/api/"):
                return _unauthorized(f"sign in first: {message}")
            if anonymous:
                return _to_login(request)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status_of(exc))
        try:
            return web.render(request, "error.html", status_of(exc), message=message)
        except Exception as again:
            # the page's frame reads the store too (who may see what): a store that fails
            # there still gets its one line
            failure = web.session.storage_failure(again)
            if failure is None:
                raise
            return _storage_failed(request, failure if isinstance(exc, STORAGE_FAILURES)
                                   else exc)  # fmt: skip

    return app


def app_from_environment() -> FastAPI:
    """The application ``unaccounted serve`` runs: the workspace and the actor are in the
    environment (``UNACCOUNTED_WORKSPACE``, ``UNACCOUNTED_USER``)."""
    root = os.environ.get("UNACCOUNTED_WORKSPACE")
    if not root:
        raise WorkspaceError("UNACCOUNTED_WORKSPACE names no workspace to serve")
    return create_app(Path(root), os.environ.get("UNACCOUNTED_USER"))


def web_of(request: Request) -> Web:
    found = request.app.state.web
    assert isinstance(found, Web)
    return found
