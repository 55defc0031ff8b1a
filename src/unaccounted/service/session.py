"""A session: one workspace, one actor, one store connection, and the way every write goes.

The command line and the web application open a :class:`Session` on a workspace *as*
someone and call the service's functions with it; nothing else opens the store. Each
write runs in one :meth:`Session.write` unit of work:

1. the permission hook is asked whether the actor may do the named action — a refusal
   stops it before anything is read or written;
2. one transaction is opened; every stage the action runs joins it (the workspace lends
   the session's connection to each stage), so the action is all or nothing;
3. the action's audit event names the actor (a stage that logs its own event logs it with
   the session's actor; an action whose stages log nothing gets one event of its own);
4. on failure the transaction is rolled back and one ``failed`` event is written;
5. on success the store is checkpointed once, so the result lives in the store file and
   not only in its write-ahead log (a lost log after a crash loses nothing committed).

A damaged store or a full disk met anywhere in a session ends in one line saying what
happened and that nothing was changed (``store.storage_failure``).

Reads are checked by the same hook (:meth:`Session.read`). Until a workspace has an
account everyone may do everything; once it has one, each account's role decides
(:class:`AccountPermissions`), for the command line (``--as``) and the web alike.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from unaccounted.errors import UnaccountedError, WorkspaceError
from unaccounted.service.actions import ACTIONS, role_rank
from unaccounted.store import DiskFull, Store, StoreDamaged, default_actor, storage_failure
from unaccounted.workspace import Workspace

log = logging.getLogger(__name__)

#: The one-line errors of a damaged store and of a full disk (``store.storage_failure``).
STORAGE_FAILURES: tuple[type[WorkspaceError], ...] = (StoreDamaged, DiskFull)


class PermissionDenied(UnaccountedError):
    """The permission hook refused an action; nothing was read or written."""


class Permissions(Protocol):
    """The permission hook: may ``actor`` do ``action`` (a name in :data:`ACTIONS`)?"""

    def allows(self, actor: str, action: str) -> bool: ...


class AllowAll:
    """The default hook of a single-user workspace: everyone may do everything."""

    def allows(self, actor: str, action: str) -> bool:
        return True


class RolePermissions:
    """The hook of a workspace with accounts: an actor may do an action when the actor's
    role is at least the action's role (:data:`unaccounted.service.actions.ACTIONS`).
    An actor with no account may do nothing — except try to sign in, which is how an
    actor shows who they are (the service then checks the password)."""

    def __init__(self, roles: Mapping[str, str]) -> None:
        self._roles = dict(roles)

    @property
    def roles(self) -> dict[str, str]:
        """Each account's role by name."""
        return self._roles

    def role_of(self, actor: str) -> str | None:
        return self.roles.get(actor)

    def allows(self, actor: str, action: str) -> bool:
        if action == "login":
            return True
        role = self.roles.get(actor)
        if role is None:
            return False
        return role_rank(role) >= role_rank(ACTIONS[action].role)


class AccountPermissions(RolePermissions):
    """The hook of a session opened without one: the workspace's own accounts decide.

    A workspace with no account is a single-user workspace and everyone may do everything
    (as with :class:`AllowAll`); once it has an account, the accounts' roles decide (as
    with :class:`RolePermissions`). The roles are read from the store on first need —
    outside any transaction, or inside the one already open — and read again after
    :meth:`forget` (the service calls it whenever an account changes, so a change made in
    the session takes effect at once; a workspace is written by one process at a time).
    """

    def __init__(self, store: Callable[[], Store]) -> None:
        super().__init__({})
        self._store = store
        self._loaded: dict[str, str] | None = None

    @property
    def roles(self) -> dict[str, str]:
        if self._loaded is None:
            self._loaded = self._store().account_roles()
        return self._loaded

    def forget(self) -> None:
        """Read the roles again at the next check."""
        self._loaded = None

    def allows(self, actor: str, action: str) -> bool:
        return not self.roles or super().allows(actor, action)


@dataclass
class Session:
    """A workspace opened by an actor. Use :meth:`open` and ``with``."""

    workspace: Workspace
    actor: str
    permissions: Permissions = field(default_factory=AllowAll)
    read_only: bool = False
    _store: Store | None = field(default=None, repr=False)
    _readers: Readers | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls, root: Path, actor: str | None = None, *, read_only: bool = False,
        permissions: Permissions | None = None,
    ) -> Session:  # fmt: skip
        """Open the workspace in ``root``; the store itself opens on first use.

        Without ``permissions`` the workspace's accounts decide (:class:`AccountPermissions`:
        everyone may do everything until the workspace has an account).
        """
        session = cls(
            workspace=Workspace.open(root),
            actor=(actor or "").strip() or default_actor(),
            permissions=permissions or AllowAll(),
            read_only=read_only,
        )
        if permissions is None:
            session.permissions = AccountPermissions(lambda: session.store)
        return session

    def __enter__(self) -> Session:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        self.close()
        failure = storage_failure(exc, self.workspace.store_path) if exc is not None else None
        if failure is not None and failure is not exc:
            raise failure from exc

    def storage_failure(self, exc: BaseException) -> WorkspaceError | None:
        """The one-line error for a damaged store or a full disk behind ``exc`` (a
        :data:`STORAGE_FAILURES`), else None: what a caller that reads outside a unit of
        work (the web application, per request) shows instead of the raw error."""
        return storage_failure(exc, self.workspace.store_path)

    def close(self) -> None:
        if self._readers is not None:
            self._readers.close()  # a connection's cursors close with it
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def readers(self) -> Readers:
        """Read-only sessions on this session's store for other threads (:class:`Readers`)."""
        if self._readers is None:
            self._readers = Readers(self)
        return self._readers

    @property
    def store(self) -> Store:
        """The session's one store connection (opened on first use)."""
        if self._store is None:
            self._store = self.workspace.store(read_only=self.read_only)
            self._store.actor = self.actor
        return self._store

    @property
    def ws(self) -> Workspace:
        """The workspace with the session's store attached: stages run on it share the
        session's connection, its transaction and its actor."""
        return self.workspace.with_store(self.store)

    # -- permissions -------------------------------------------------------------------

    def check(self, action: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor may do ``action``."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; name it in service/actions.py")
        if not self.permissions.allows(self.actor, action):
            message = f"{self.actor} may not {ACTIONS[action].summary}"
            hook = self.permissions
            if isinstance(hook, RolePermissions) and hook.role_of(self.actor) is None:
                message += (f": {self.actor} has no account in this workspace (an admin adds "
                            "one with 'unaccounted user add')")  # fmt: skip
            raise PermissionDenied(message)

    def may(self, action: str) -> bool:
        """Whether the actor may do ``action`` (what a page or a command shows or hides)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; name it in service/actions.py")
        return self.permissions.allows(self.actor, action)

    @contextmanager
    def acting_as(self, actor: str) -> Iterator[Session]:
        """The same session (its connection, its hook) acting for ``actor`` for a while:
        the web application serves many signed-in users from one session, one request at a
        time."""
        before = self.actor
        self.actor = actor
        if self._store is not None:
            self._store.actor = actor
        try:
            yield self
        finally:
            self.actor = before
            if self._store is not None:
                self._store.actor = before

    def read(self, action: str) -> Store:
        """Check a read action and return the store to read from."""
        self.check(action)
        return self.store

    # -- the unit of work --------------------------------------------------------------

    @contextmanager
    def write(
        self, action: str, args: Mapping[str, Any] | None = None, *, own_transaction: bool = True
    ) -> Iterator[Work]:
        """One write: permission, one transaction, one audit event by the actor.

        ``own_transaction=False`` is for a stage that must open its one transaction itself
        (ingest stages its files in a scratch database first, and a transaction may write
        to one database only); everything else about the unit of work is the same.
        """
        self.check(action)
        if not ACTIONS[action].writes:
            raise ValueError(f"action {action!r} is not a write")
        if self.read_only:
            raise PermissionDenied(f"this session only reads the workspace; cannot {action}")
        store = self.store
        work = Work(self, action, dict(args or {}))
        events, failures = store.events_logged, store.failures_logged
        try:
            with store.transaction() if own_transaction else nullcontext():
                yield work
                if store.events_logged == events:
                    store.log_event(store.next_event_id(), action, work.args, work.counts)
        except Exception as exc:
            if not isinstance(exc, UnaccountedError):
                log.debug("%s failed", action, exc_info=True)
            failure = storage_failure(exc, self.workspace.store_path)
            if store.failures_logged == failures:
                self._log_failure(action, work.args, str(failure or exc) or type(exc).__name__)
            if failure is not None and failure is not exc:
                raise failure from exc
            raise
        self._checkpoint()

    def _log_failure(self, action: str, args: Mapping[str, Any], message: str) -> None:
        """Log a failed action; a store that cannot take even that (a full disk, a
        damaged block) keeps the error the user sees about the action itself."""
        try:
            self.store.log_failure(action, args, message)
        except Exception as exc:
            if storage_failure(exc, self.workspace.store_path) is None:
                raise
            log.debug("the failure of %s could not be logged", action, exc_info=True)

    def _checkpoint(self) -> None:
        """Checkpoint after a write that committed (not inside an outer transaction)."""
        store = self.store
        if store.in_transaction:
            return
        try:
            store.checkpoint()
        except Exception as exc:
            failure = storage_failure(exc, self.workspace.store_path)
            if failure is None or failure is exc:
                raise
            raise failure from exc


class Readers:
    """Read-only sessions on one session's store for callers in several threads at once
    (the web application's read requests): each borrows a cursor of its own
    (:meth:`Store.reader`), made on first need and kept for the next caller, and acts as
    its own actor with the session's permission hook. A reading session refuses writes;
    they go through the one session, one at a time.

    The cursors live and die with the session's connection: :meth:`paused` waits for the
    reads in progress, closes every cursor and holds new reads back, while the session's
    store file is closed, copied or replaced (a background job's backup and restore)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._idle: list[Store] = []
        self._made: list[Store] = []
        self._busy = 0  # cursors lent out now
        self._paused = 0
        self._cond = threading.Condition()

    @contextmanager
    def session(self, actor: str) -> Iterator[Session]:
        """A read-only session acting as ``actor`` on a cursor no other caller is using."""
        with self._cond:
            self._cond.wait_for(lambda: not self._paused)
            if self._idle:
                store = self._idle.pop()
            else:
                store = self._session.store.reader()
                self._made.append(store)
            self._busy += 1
        store.actor = actor
        reading = Session(self._session.workspace, actor, self._session.permissions,
                          read_only=True, _store=store.lend())  # fmt: skip
        try:
            yield reading
        finally:
            reading.close()  # gives back the loan; the cursor stays open for the next caller
            with self._cond:
                self._busy -= 1
                if store in self._made:
                    self._idle.append(store)
                self._cond.notify_all()

    @property
    def made(self) -> int:
        """How many cursors are open (at most the callers there were at one moment)."""
        return len(self._made)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No reads meanwhile: wait for those in progress, close every cursor; reads go on
        (on new cursors) after the block."""
        with self._cond:
            self._paused += 1
            try:
                self._cond.wait_for(lambda: self._busy == 0)
                self._close_all()
            except BaseException:
                self._paused -= 1
                self._cond.notify_all()
                raise
        try:
            yield
        finally:
            with self._cond:
                self._paused -= 1
                self._cond.notify_all()

    def close(self) -> None:
        """Close every cursor, once the reads in progress are done."""
        with self._cond:
            self._cond.wait_for(lambda: self._busy == 0)
            self._close_all()

    def _close_all(self) -> None:
        for store in self._made:
            store.close()
        self._made, self._idle = [], []


@dataclass
class Work:
    """One unit of work in progress: what it is, and the counts its event will carry."""

    session: Session
    action: str
    args: dict[str, Any]
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def ws(self) -> Workspace:
        return self.session.ws
