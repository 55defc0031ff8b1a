"""Accounts, passwords, sign-in and API tokens.

A workspace with no account is a single-user workspace: everyone may do everything. The
first account is added by whoever is at the terminal and must be an ``admin`` (there is no
default password); from then on each actor needs an account, and the account's role
decides what it may do (``service/actions.py``), for the command line (``--as``) and the
web application alike.

Passwords are kept as argon2id hashes (``argon2-cffi``), API token secrets as SHA-256
hashes (a token's secret is 32 random bytes, so a fast hash is enough). Neither the
password, the secret nor a hash ever leaves this module: :class:`Account` and
:class:`TokenInfo` carry none of them, and no event or log line names them.

Sign-in (:func:`authenticate`) counts failed attempts and locks an account for
``[web] lockout_minutes`` after ``[web] login_attempts`` failures in a row; an unknown
name costs the same time as a known one. Every sign-in, refusal and lock is an event.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from unaccounted.errors import InputError, UnaccountedError
from unaccounted.service.actions import ROLES, role_rank
from unaccounted.service.session import AccountPermissions, PermissionDenied, Session

#: The shortest password accepted.
MIN_PASSWORD = 10

#: An account name: letters (any script), digits, ``.``, ``_``, ``-``, ``@``.
NAME = re.compile(r"^[\w.@-]{1,64}$")

#: How a token looks: ``ua_<id>_<64 hex digits>``.
TOKEN = re.compile(r"^ua_([0-9]{1,18})_([0-9a-f]{64})$")

#: How often a token's ``last_used`` (and a ``login`` event) is written at most.
TOKEN_TOUCH = timedelta(hours=1)

#: The argon2id hasher (the library's recommended parameters).
hasher = PasswordHasher()

_dummy_hash: str | None = None


class LoginRefused(UnaccountedError):
    """A sign-in was refused: a wrong name or password, or a locked account."""


@dataclass(frozen=True)
class Account:
    """An account as the service shows it: never its password hash."""

    name: str
    role: str
    created: datetime
    locked_until: datetime | None = None
    created_by: str = ""
    last_login: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "created": _iso(self.created),
            "created_by": self.created_by,
            "last_login": _iso(self.last_login),
            "locked_until": _iso(self.locked_until),
        }


@dataclass(frozen=True)
class TokenInfo:
    """An API token as the service shows it: never its secret or the secret's hash."""

    id: int
    account: str
    label: str
    created: datetime
    created_by: str = ""
    last_used: datetime | None = None
    revoked: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account,
            "label": self.label,
            "created": _iso(self.created),
            "created_by": self.created_by,
            "last_used": _iso(self.last_used),
            "revoked": _iso(self.revoked),
        }


# -- reading -------------------------------------------------------------------------------


def has_accounts(s: Session) -> bool:
    """Whether the workspace has any account (if not, everyone may do everything).
    Asked before anyone has signed in, so it needs no permission."""
    return bool(_roles(s))


def role_of(s: Session, name: str) -> str | None:
    """The role of account ``name``, or None when there is no such account."""
    return _roles(s).get(name)


def users(s: Session) -> list[Account]:
    """Every account, by name."""
    return [_account(r) for r in s.read("users").accounts()]


def account(s: Session, name: str) -> Account | None:
    """One account, or None; the actor's own account needs no permission, another's is
    read as the account list is (admins)."""
    if name != s.actor:
        s.check("users")
    row = s.store.account(name)
    return _account(row) if row else None


# -- changing accounts ---------------------------------------------------------------------


def check_add_user(s: Session, name: str, role: str) -> None:
    """Everything :func:`add_user` checks before it needs the password: the actor may add
    accounts, the name is valid and free, the role exists, the first account is an admin.
    (The command line asks for the password only after this.)"""
    s.check("user-add")
    _valid_name(name)
    _valid_role(role)
    roles = _roles(s)
    if name in roles:
        raise InputError(f"there is already an account named {name}")
    if not roles and role != "admin":
        raise InputError(
            f"the first account of a workspace must be an admin (--role admin); add the "
            f"{role} after it"
        )


def add_user(s: Session, name: str, role: str, password: str) -> Account:
    """Add an account. The first account of a workspace may be added by anyone at the
    terminal and must be an admin; after that only an admin may add accounts."""
    check_add_user(s, name, role)
    digest = _hash(password)
    with _account_change(s, "user-add", {"name": name, "role": role}) as work:
        if work.store.account(name) is not None:
            raise InputError(f"there is already an account named {name}")
        work.store.add_account(name, role, digest, _now())
    row = s.store.account(name)
    assert row is not None
    return _account(row)


def remove_user(s: Session, name: str) -> None:
    """Remove an account and revoke its tokens; the last admin cannot be removed."""
    s.check("user-remove")
    with _account_change(s, "user-remove", {"name": name}) as work:
        row = _existing(work.store.account(name), name)
        if row["role"] == "admin" and _admins(work.store.account_roles()) == [name]:
            raise InputError(
                f"{name} is the workspace's last admin and cannot be removed; make another "
                "account an admin first"
            )
        work.store.remove_account(name, _now())


def set_role(s: Session, name: str, role: str) -> str:
    """Give an account another role; return its previous role. The last admin keeps
    the admin role."""
    s.check("user-role")
    _valid_role(role)
    with _account_change(s, "user-role", {"name": name, "role": role}) as work:
        row = _existing(work.store.account(name), name)
        before = str(row["role"])
        if before == "admin" and role != "admin" and _admins(work.store.account_roles()) == [name]:
            raise InputError(
                f"{name} is the workspace's last admin and stays one; make another account "
                "an admin first"
            )
        work.store.set_account_role(name, role)
        work.counts["from"] = before
    return before


def password_action(s: Session, name: str) -> str:
    """The action that changing ``name``'s password is: an account changes its own
    (``passwd``), an admin anyone's (``user-passwd``)."""
    return "passwd" if name == s.actor else "user-passwd"


def check_set_password(s: Session, name: str) -> None:
    """What :func:`set_password` checks before it needs the password."""
    s.check(password_action(s, name))
    _existing(s.store.account(name), name)


def set_password(s: Session, name: str, password: str) -> None:
    """Set an account's password (which also lifts a lock): an account may change its
    own password, an admin anyone's."""
    check_set_password(s, name)
    digest = _hash(password)
    with _account_change(s, password_action(s, name), {"name": name}) as work:
        _existing(work.store.account(name), name)
        work.store.set_password_hash(name, digest, _now())


# -- signing in ----------------------------------------------------------------------------


def authenticate(s: Session, name: str, password: str, *, now: datetime | None = None) -> Account:
    """The account ``name`` if ``password`` is its password; else :class:`LoginRefused`.

    After ``[web] login_attempts`` failures in a row the account is locked for
    ``[web] lockout_minutes``: while locked it is refused even with the right password.
    An unknown name is refused with the same message, after the same work, as a wrong
    password. Every attempt is an event: ``login`` with outcome ``ok``, ``refused`` or
    ``locked``, by the account (an unknown name is not written down: it may be a
    password typed in the wrong field).
    """
    now = now or _now()
    settings = s.workspace.settings.web
    row = s.store.account(name) if NAME.match(name) else None
    if row is None:
        _verify(_dummy(), password)
        _login_event(s, None, "refused", "no such account")
        raise LoginRefused("wrong name or password")
    right = _verify(str(row["password_hash"]), password)
    locked_until = _utc(row["locked_until"])
    if locked_until is not None and locked_until > now:
        _login_event(s, name, "locked", f"locked until {_iso(locked_until)}")
        raise LoginRefused(f"{name} is locked until {_when(locked_until)} after too many "
                           "failed sign-ins; try again then, or ask an admin to set a new "
                           "password")  # fmt: skip
    if not right:
        failed = int(row["failed_logins"]) + 1
        if failed >= settings.login_attempts:
            until = now + timedelta(minutes=settings.lockout_minutes)
            _login_event(s, name, "locked", f"{failed} failed sign-ins: locked until "
                         f"{_iso(until)}", failed_logins=0, locked_until=until)  # fmt: skip
            raise LoginRefused(f"wrong name or password; {name} is now locked until "
                               f"{_when(until)} after {failed} failed sign-ins")  # fmt: skip
        _login_event(s, name, "refused", f"wrong password ({failed} in a row)",
                     failed_logins=failed, locked_until=None)  # fmt: skip
        raise LoginRefused("wrong name or password")
    rehash = hasher.check_needs_rehash(str(row["password_hash"]))
    _login_event(s, name, "ok", None, failed_logins=0, locked_until=None, last_login=now,
                 new_hash=hasher.hash(password) if rehash else None)  # fmt: skip
    fresh = s.store.account(name)
    assert fresh is not None
    return _account(fresh)


def _login_event(
    s: Session, name: str | None, outcome: str, message: str | None, *,
    failed_logins: int | None = None, locked_until: datetime | None = None,
    last_login: datetime | None = None, new_hash: str | None = None,
) -> None:  # fmt: skip
    """One ``login`` event by the account (an unknown name: by the session's actor), with
    the account's failure count and lock written in the same transaction."""
    args: dict[str, Any] = {"account": name}
    with s.acting_as(name or s.actor), s.write("login", args) as work:
        if name is not None and failed_logins is not None:
            work.store.record_login(name, failed_logins=failed_logins,
                                    locked_until=locked_until, last_login=last_login)  # fmt: skip
        if name is not None and new_hash is not None:
            work.store.set_password_hash(name, new_hash, _now())
        work.store.log_event(work.store.next_event_id(), "login", args, {},
                             outcome=outcome, message=message)  # fmt: skip


# -- API tokens ----------------------------------------------------------------------------


def create_token(s: Session, account: str, label: str = "") -> tuple[TokenInfo, str]:
    """A new API token for ``account``: its facts, and the token itself — shown this once
    and stored only as a hash. An account creates tokens for itself; an admin for anyone."""
    s.check("token-create")
    _own_or_admin(s, account, "create an API token for")
    label = label.strip()
    if len(label) > 200:
        raise InputError("a token's label is at most 200 characters")
    secret = secrets.token_hex(32)
    with s.write("token-create", {"account": account, "label": label}) as work:
        _existing(work.store.account(account), account)
        token_id = work.store.add_token(account, _sha256(secret), label, _now())
        work.counts["token"] = token_id
    row = s.store.token(token_id)
    assert row is not None
    return _token(row), f"ua_{token_id}_{secret}"


def revoke_token(s: Session, token_id: int) -> TokenInfo:
    """Revoke a token: it is refused from now on. An account revokes its own tokens; an
    admin anyone's."""
    s.check("token-revoke")
    row = s.store.token(token_id)
    if row is None:
        raise InputError(f"there is no API token {token_id}")
    _own_or_admin(s, str(row["account"]), "revoke an API token of")
    if row["revoked"] is not None:
        raise InputError(f"API token {token_id} was already revoked on {_when(row['revoked'])}")
    with s.write("token-revoke", {"token": token_id, "account": row["account"]}) as work:
        work.store.revoke_token(token_id, _now())
    after = s.store.token(token_id)
    assert after is not None
    return _token(after)


def tokens(s: Session, account: str | None = None) -> list[TokenInfo]:
    """API tokens, oldest first: the actor's own, or (an admin) everyone's or ``account``'s."""
    store = s.read("tokens")
    if role_of(s, s.actor) != "admin":
        if account is not None and account != s.actor:
            raise PermissionDenied(f"{s.actor} may not list the API tokens of {account}: "
                                   "only an admin may")  # fmt: skip
        account = s.actor
    return [_token(r) for r in store.tokens(account)]


def account_for_token(s: Session, token: str, *, now: datetime | None = None) -> Account | None:
    """The account an API token signs in, or None (malformed, unknown or revoked token,
    or a removed account). The secret is compared in constant time. Its use is written
    down (``last_used`` and a ``login`` event) at most once an hour."""
    match = TOKEN.match(token.strip())
    row = s.store.token(int(match.group(1))) if match else None
    given = _sha256(match.group(2) if match else token)
    stored = str(row["secret_hash"]) if row else _sha256("")
    if not hmac.compare_digest(given, stored) or row is None or row["revoked"] is not None:
        return None
    owner = s.store.account(str(row["account"]))
    if owner is None:
        return None
    now = now or _now()
    last = _utc(row["last_used"])
    if not s.read_only and (last is None or now - last >= TOKEN_TOUCH):
        args = {"account": owner["name"], "token": row["id"]}
        with s.acting_as(str(owner["name"])), s.write("login", args) as work:
            work.store.touch_token(int(row["id"]), now)
    return _account(owner)


# -- helpers -------------------------------------------------------------------------------


@contextmanager
def _account_change(s: Session, action: str, args: dict[str, Any]) -> Iterator[Any]:
    """A unit of work that changes accounts; the roles are read again afterwards (the
    change, or its rollback, takes effect at the next check)."""
    try:
        with s.write(action, args) as work:
            yield work
    finally:
        if isinstance(s.permissions, AccountPermissions):
            s.permissions.forget()


def _roles(s: Session) -> dict[str, str]:
    hook = s.permissions
    if isinstance(hook, AccountPermissions):
        return dict(hook.roles)  # read once per session, again after a change
    return s.store.account_roles()


def _admins(roles: dict[str, str]) -> list[str]:
    return sorted(name for name, role in roles.items() if role == "admin")


def _own_or_admin(s: Session, account: str, what: str) -> None:
    if account != s.actor and role_of(s, s.actor) != "admin":
        raise PermissionDenied(f"{s.actor} may not {what} {account}: only an admin may")


def _valid_name(name: str) -> None:
    if not NAME.match(name):
        raise InputError(
            f"{name!r} is not a usable account name: use 1 to 64 letters, digits, '.', '_', "
            "'-' or '@', no spaces"
        )


def _valid_role(role: str) -> None:
    try:
        role_rank(role)
    except ValueError:
        raise InputError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}") from None


def _existing(row: dict[str, Any] | None, name: str) -> dict[str, Any]:
    if row is None:
        raise InputError(f"there is no account named {name}")
    return row


def check_password(password: str) -> None:
    """A one-line :class:`InputError` unless ``password`` is long enough (the command line
    asks for it again at once)."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters")
    if password != password.strip():
        raise InputError("a password may not begin or end with a space")


def _hash(password: str) -> str:
    check_password(password)
    return hasher.hash(password)


def _verify(digest: str, password: str) -> bool:
    try:
        return hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    """A hash of a random password, verified against for unknown names (same cost)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hasher.hash(secrets.token_hex(16))
    return _dummy_hash


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def _when(value: Any) -> str:
    moment = _utc(value)
    assert moment is not None
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _account(row: dict[str, Any]) -> Account:
    return Account(
        name=str(row["name"]),
        role=str(row["role"]),
        created=_utc(row["created"]) or _now(),
        locked_until=_utc(row["locked_until"]),
        created_by=str(row["created_by"]),
        last_login=_utc(row["last_login"]),
    )


def _token(row: dict[str, Any]) -> TokenInfo:
    return TokenInfo(
        id=int(row["id"]),
        account=str(row["account"]),
        label=str(row["label"]),
        created=_utc(row["created"]) or _now(),
        created_by=str(row["created_by"]),
        last_used=_utc(row["last_used"]),
        revoked=_utc(row["revoked"]),
    )
