"""The application factory: one session on the workspace for the whole process.

One process owns the store: :func:`create_app` opens one :class:`Session` and every request
uses it in turn (a lock serializes them; a DuckDB connection serves one caller at a time).
The review leases and the background jobs live here too, beside the session they use.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from unaccounted.errors import InputError, UnaccountedError, WorkspaceError
from unaccounted.present import link_url
from unaccounted.service import PermissionDenied, Session
from unaccounted.service.jobs import Jobs
from unaccounted.service.review import Leases
from unaccounted.web import i18n
from unaccounted.web.searching import Search, service_search

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")


class Web:
    """What the routes share: the session, its lock, leases, jobs, templates, search."""

    def __init__(self, workspace: Path, actor: str | None, search: Search | None = None) -> None:
        self.session = Session.open(workspace, actor)
        self.session.store.schema_version()  # opened now: the process owns the store
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
        """The session, for one request at a time."""
        with self.lock:
            yield self.session

    def lang(self, request: Request) -> str:
        return i18n.choose(request.cookies.get(i18n.COOKIE),
                           request.headers.get("accept-language"))  # fmt: skip

    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
        lang = self.lang(request)
        html = self.env.get_template(template).render(
            _=i18n.translator(lang), lang=lang, languages=i18n.LANGUAGES, request=request,
            here=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
            actor=self.session.actor, job=self.jobs.running(), **ctx,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)


def _num(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        return f"{value:,.0f}".replace(",", "\u202f")
    return str(value)


def status_of(exc: UnaccountedError) -> int:
    """403 for a refused action, 404 for something that is not there, else 400."""
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, InputError) and str(exc).startswith("no "):
        return 404
    return 400


def create_app(workspace: Path, actor: str | None, *, search: Search | None = None) -> FastAPI:
    """The web application over the workspace in ``workspace``, acting as ``actor``."""
    from unaccounted.web import api, pages

    web = Web(workspace, actor, search)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.session.close()

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
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def _same_origin(request: Request, call_next: Any) -> Response:
        """A form posted from another site is refused (the server has no accounts yet)."""
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin and urlsplit(origin).netloc != request.headers.get("host"):
                return JSONResponse({"error": "cross-site request refused"}, status_code=403)
        response: Response = await call_next(request)
        return response

    @app.exception_handler(UnaccountedError)
    def _error(request: Request, exc: UnaccountedError) -> Response:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status_of(exc))
        return web.render(request, "error.html", status_of(exc), message=message)

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
