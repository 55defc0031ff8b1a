"""Who a request comes from: signed session cookies, API tokens, CSRF and sign-in throttling.

A browser carries one cookie, signed with the workspace's web secret (``itsdangerous``):
the signed-in account (or none yet) and the session's CSRF token. A script sends
``Authorization: Bearer <API token>`` instead and needs no cookie and no CSRF token. Every
request then acts as that account through ``Session.acting_as``, so the service's
permission hook decides everything. A workspace with no account is a single-user
workspace: every visitor acts as the actor ``unaccounted serve`` was started as.

Nothing here knows a password or a token's secret beyond passing it to the service once;
the web secret lives in a file of the workspace that only its owner may read.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup, escape

from unaccounted.service import ACTIONS, AccountPermissions, PermissionDenied
from unaccounted.service.actions import role_rank

#: The cookie that carries a browser's session.
COOKIE = "unaccounted_session"
#: Where a page's form carries its CSRF token, and where a script's fetch() sends it.
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
#: The file of the workspace holding the secret that signs the cookies.
SECRET_FILE = ".unaccounted-web-secret"
#: The actor of a visitor who is not signed in (no account can have this name).
ANONYMOUS = "(anonymous)"
#: Sign-in attempts one address may make per :data:`LOGIN_WINDOW` seconds.
LOGIN_RATE = 10
LOGIN_WINDOW = 60.0
#: Methods that change nothing and need no CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(PermissionDenied):
    """A browser's request that changes something came without its session's CSRF token."""


@dataclass(frozen=True)
class Visitor:
    """Who a request comes from and what the session acts as for it."""

    #: The signed-in account, or None.
    user: str | None
    #: The actor the session acts as: the account, the serve's actor (a workspace with no
    #: account), or :data:`ANONYMOUS`.
    actor: str
    #: The session's CSRF token ("" for a request signed by an API token).
    csrf: str
    #: The account's role (None: not signed in, or a workspace with no account).
    role: str | None = None
    #: Signed in with an API token (no cookie, no CSRF token needed).
    bearer: bool = False
    #: Whether the workspace has accounts (if not, everyone may do everything).
    accounts: bool = False
    #: A new cookie value to send (a first visit or an expired session), or None.
    cookie: str | None = None


#: The visitor of the request being served (set by the application's middleware).
current: ContextVar[Visitor | None] = ContextVar("unaccounted_visitor", default=None)


def web_secret(root: Path) -> bytes:
    """The workspace's web secret: read from :data:`SECRET_FILE`, created owner-only
    (0600) on first use. Never logged or shown."""
    path = root / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
    if path.stat().st_mode & 0o077:  # copied in, or made by hand: owner-only again
        path.chmod(0o600)
    text = path.read_text("ascii").strip()
    if len(text) < 32:
        raise ValueError(f"{path} holds no usable secret; delete it to make a new one")
    return text.encode("ascii")


class Cookies:
    """Signed session cookies: ``{"u": account or "", "c": CSRF token}``, valid for
    ``hours`` after they were signed."""

    def __init__(self, secret: bytes, hours: float) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="unaccounted-web-session")
        self.max_age = int(hours * 3600)

    def sign(self, user: str | None) -> tuple[str, str]:
        """A new cookie value for ``user`` with a fresh CSRF token; and that token."""
        csrf = secrets.token_urlsafe(32)
        return self.serializer.dumps({"u": user or "", "c": csrf}), csrf

    def read(self, value: str | None) -> tuple[str | None, str] | None:
        """The account and CSRF token of a cookie, or None (missing, forged, expired)."""
        if not value:
            return None
        try:
            data = self.serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # also SignatureExpired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not data["c"]:
            return None
        user = data.get("u")
        return (user if isinstance(user, str) and user else None), data["c"]


def csrf_ok(visitor: Visitor, given: str | None) -> bool:
    """Whether ``given`` is the visitor's CSRF token (compared in constant time)."""
    if visitor.bearer:
        return True
    return bool(given) and bool(visitor.csrf) and secrets.compare_digest(
        str(given).encode("utf-8"), visitor.csrf.encode("utf-8")
    )  # fmt: skip


def csrf_input(visitor: Visitor | None) -> Callable[[], Markup]:
    """The Jinja global ``csrf_input()``: the hidden field every form posts."""

    def field() -> Markup:
        token = visitor.csrf if visitor else ""
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')

    return field


class Throttle:
    """At most ``rate`` attempts per ``window`` seconds from one address."""

    def __init__(self, rate: int = LOGIN_RATE, window: float = LOGIN_WINDOW) -> None:
        self.rate, self.window = rate, window
        self._seen: dict[str, deque[float]] = {}
        self._guard = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count an attempt from ``address``; False when it is one too many."""
        now = time.monotonic() if now is None else now
        with self._guard:
            seen = self._seen.setdefault(address, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.rate:
                return False
            seen.append(now)
            if len(self._seen) > 10_000:  # forget quiet addresses
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]
            return True


class WebPermissions(AccountPermissions):
    """The workspace's accounts decide (:class:`AccountPermissions`); with ``[web] public``
    a visitor who is not signed in (:data:`ANONYMOUS`) may also do what a viewer may."""

    def __init__(self, store: Callable[[], Any], public: bool) -> None:
        super().__init__(store)
        self.public = public

    @property
    def loaded(self) -> dict[str, str] | None:
        """The roles read so far (None: not read yet, asking would read the store)."""
        return self._loaded

    def allows(self, actor: str, action: str) -> bool:
        if actor == ANONYMOUS and self.public and action != "login" and self.roles:
            return role_rank(ACTIONS[action].role) <= role_rank("viewer")
        return super().allows(actor, action)


def bearer_token(headers: Any) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    value = str(headers.get("authorization") or "")
    kind, _, token = value.partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None
