"""Accounts: the first admin, roles decided by the accounts, the last admin kept, argon2
password hashes, sign-in with lock-out, and API tokens shown once and stored hashed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from unaccounted.errors import InputError
from unaccounted.service import PermissionDenied, Session
from unaccounted.service import accounts as A
from unaccounted.service import workspace as workspace_service
from unaccounted.workspace import Workspace

PASSWORD = "correct horse battery"  # invented, 21 characters


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the same algorithm and format, a hundred times
    faster (the timing test below uses the real parameters)."""
    monkeypatch.setattr(A, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(A, "_dummy_hash", None)


@pytest.fixture
def s(ws: Workspace) -> Iterator[Session]:
    with Session.open(ws.root, "ada") as session:
        yield session


def team(s: Session) -> None:
    """ada the admin, then one account of each other role (added by ada)."""
    A.add_user(s, "ada", "admin", PASSWORD)
    for name, role in (("ed", "editor"), ("rita", "reviewer"), ("vera", "viewer")):
        A.add_user(s, name, role, PASSWORD + name)


def test_a_workspace_without_accounts_lets_everyone_do_everything(s: Session) -> None:
    assert A.has_accounts(s) is False
    assert all(s.may(action) for action in ("ingest", "user-add", "rotate-key"))
    assert A.users(s) == []


def test_the_first_account_must_be_an_admin_and_anyone_may_add_it(ws: Workspace) -> None:
    with Session.open(ws.root, "somebody") as s:
        with pytest.raises(InputError, match="^the first account of a workspace must be an admin"):
            A.add_user(s, "ed", "editor", PASSWORD)
        first = A.add_user(s, "ada", "admin", PASSWORD)
        assert (first.name, first.role, first.created_by, first.locked_until) == (
            "ada", "admin", "somebody", None
        )  # fmt: skip
        assert A.has_accounts(s) and A.role_of(s, "ada") == "admin"
        assert A.role_of(s, "somebody") is None
        # from now on the accounts decide, in this very session: somebody has none
        with pytest.raises(PermissionDenied) as refused:
            A.add_user(s, "eve", "admin", PASSWORD)
        assert str(refused.value) == (
            "somebody may not add an account: somebody has no account in this workspace "
            "(an admin adds one with 'unaccounted user add')"
        )
        with pytest.raises(PermissionDenied, match="^somebody may not ingest source files: "):
            s.check("ingest")


def test_only_an_admin_adds_removes_and_changes_accounts(s: Session) -> None:
    team(s)
    for name in ("ed", "rita", "vera"):
        with s.acting_as(name):
            with pytest.raises(PermissionDenied, match=f"^{name} may not add an account$"):
                A.add_user(s, "eve", "viewer", PASSWORD)
            with pytest.raises(PermissionDenied, match=f"^{name} may not remove an account$"):
                A.remove_user(s, "vera")
            with pytest.raises(PermissionDenied, match=f"^{name} may not change an account's "):
                A.set_role(s, "vera", "admin")
            with pytest.raises(PermissionDenied, match=f"^{name} may not list the accounts$"):
                A.users(s)
    assert [(u.name, u.role) for u in A.users(s)] == [
        ("ada", "admin"), ("ed", "editor"), ("rita", "reviewer"), ("vera", "viewer"),
    ]  # fmt: skip
    # the refusals changed nothing; each refusal is a failed event by the actor
    events = [(e["actor"], e["command"], e["outcome"]) for e in s.store.events()]
    assert ("ed", "user-add", "failed") not in events  # refused before the unit of work
    assert sum(1 for e in events if e[1] == "user-add" and e[2] == "ok") == 4


def test_a_role_change_takes_effect_in_the_same_session(s: Session) -> None:
    team(s)
    with s.acting_as("vera"):
        assert not s.may("ingest")
    assert A.set_role(s, "vera", "editor") == "viewer"
    with s.acting_as("vera"):
        assert s.may("ingest") and not s.may("user-add")
    A.remove_user(s, "vera")
    with s.acting_as("vera"):
        assert not s.may("search")


def test_the_last_admin_is_kept(s: Session) -> None:
    team(s)
    with pytest.raises(InputError, match="^ada is the workspace's last admin and cannot be "):
        A.remove_user(s, "ada")
    with pytest.raises(InputError, match="^ada is the workspace's last admin and stays one;"):
        A.set_role(s, "ada", "editor")
    A.set_role(s, "ed", "admin")
    A.set_role(s, "ada", "editor")  # ed is an admin now
    with s.acting_as("ed"):
        A.remove_user(s, "ada")
        assert [u.name for u in A.users(s)] == ["ed", "rita", "vera"]


def test_bad_names_roles_and_passwords_are_one_line_errors(s: Session) -> None:
    with pytest.raises(InputError, match="^'a b' is not a usable account name"):
        A.add_user(s, "a b", "admin", PASSWORD)
    with pytest.raises(InputError, match="^unknown role 'owner'; choose one of viewer, reviewer"):
        A.add_user(s, "ada", "owner", PASSWORD)
    with pytest.raises(InputError, match="^a password needs at least 10 characters$"):
        A.add_user(s, "ada", "admin", "short")
    A.add_user(s, "ada", "admin", PASSWORD)
    with pytest.raises(InputError, match="^there is already an account named ada$"):
        A.add_user(s, "ada", "viewer", PASSWORD)
    with pytest.raises(InputError, match="^there is no account named bob$"):
        A.set_password(s, "bob", PASSWORD)


def test_the_store_holds_an_argon2id_hash_never_the_password(s: Session, ws: Workspace) -> None:
    A.add_user(s, "ada", "admin", PASSWORD)
    row = s.store.account("ada")
    assert row is not None
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    assert "password" not in json.dumps(A.users(s)[0].as_dict())
    s.close()
    # nothing in the store file or the event log names the password
    assert PASSWORD.encode() not in (ws.root / "unaccounted.duckdb").read_bytes()
    with Session.open(ws.root, "ada") as again:
        logged = json.dumps(workspace_service.events(again), default=str)
    assert PASSWORD not in logged and "$argon2" not in logged


def test_an_account_changes_its_own_password_and_an_admin_anyones(s: Session) -> None:
    team(s)
    with s.acting_as("vera"):
        A.set_password(s, "vera", "a new password for vera")
        with pytest.raises(PermissionDenied, match="^vera may not change another account's "):
            A.set_password(s, "rita", "a new password for rita")
    A.set_password(s, "rita", "a new password for rita")
    with s.acting_as("ghost"), pytest.raises(PermissionDenied) as refused:
        A.set_password(s, "ghost", "a password for a ghost")
    assert str(refused.value).startswith(
        "ghost may not change their own password: ghost has no account in this workspace"
    )
    assert A.authenticate(s, "vera", "a new password for vera").name == "vera"
    assert A.authenticate(s, "rita", "a new password for rita").name == "rita"
    with pytest.raises(A.LoginRefused):
        A.authenticate(s, "vera", PASSWORD + "vera")


def test_sign_in_locks_after_the_set_number_of_failures(s: Session) -> None:
    team(s)  # [web] login_attempts = 5, lockout_minutes = 15 (the defaults)
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    for _ in range(4):
        with pytest.raises(A.LoginRefused, match="^wrong name or password$"):
            A.authenticate(s, "vera", "not the password", now=now)
    with pytest.raises(A.LoginRefused) as fifth:
        A.authenticate(s, "vera", "not the password", now=now)
    assert str(fifth.value) == (
        "wrong name or password; vera is now locked until 2026-03-01 12:15 UTC after 5 "
        "failed sign-ins"
    )
    # locked: the right password is refused too, until the lock ends
    with pytest.raises(A.LoginRefused, match="^vera is locked until 2026-03-01 12:15 UTC"):
        A.authenticate(s, "vera", PASSWORD + "vera", now=now + timedelta(minutes=14))
    signed_in = A.authenticate(s, "vera", PASSWORD + "vera", now=now + timedelta(minutes=15))
    assert signed_in.name == "vera" and signed_in.last_login == now + timedelta(minutes=15)
    row = s.store.account("vera")
    assert row is not None and row["failed_logins"] == 0
    logins = [(e["actor"], e["outcome"], e["message"]) for e in s.store.events()
              if e["command"] == "login"][::-1]  # fmt: skip
    assert logins == [
        *[("vera", "refused", f"wrong password ({n} in a row)") for n in range(1, 5)],
        ("vera", "locked", "5 failed sign-ins: locked until 2026-03-01T12:15:00+00:00"),
        ("vera", "locked", "locked until 2026-03-01T12:15:00+00:00"),
        ("vera", "ok", None),
    ]
    assert all("not the password" not in json.dumps(e, default=str) for e in s.store.events())


def test_the_lockout_follows_the_settings(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "strict")
    config = ws.config_path.read_text("utf-8")
    config = config.replace("login_attempts = 5", "login_attempts = 2")
    ws.config_path.write_text(config.replace("lockout_minutes = 15", "lockout_minutes = 1"))
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with Session.open(ws.root, "ada") as s:
        A.add_user(s, "ada", "admin", PASSWORD)
        with pytest.raises(A.LoginRefused, match="^wrong name or password$"):
            A.authenticate(s, "ada", "not the password", now=now)
        with pytest.raises(A.LoginRefused, match="now locked until 2026-03-01 12:01 UTC after 2"):
            A.authenticate(s, "ada", "not the password", now=now)
        assert A.authenticate(s, "ada", PASSWORD, now=now + timedelta(minutes=1)).name == "ada"


def test_an_unknown_name_is_refused_like_a_wrong_password(s: Session) -> None:
    team(s)
    with pytest.raises(A.LoginRefused, match="^wrong name or password$"):
        A.authenticate(s, "nobody", "whatever it is")
    last = s.store.events(1)[0]
    # the attempted name is not written down (it may be a password typed in the wrong box)
    assert (last["command"], last["outcome"], json.loads(last["args"])) == (
        "login", "refused", {"account": None}
    )  # fmt: skip


def test_an_unknown_name_costs_the_time_of_a_known_one(
    s: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(A, "hasher", PasswordHasher())  # the real parameters
    A.add_user(s, "ada", "admin", PASSWORD)

    def cost(name: str) -> float:
        started = time.perf_counter()
        with pytest.raises(A.LoginRefused, match="^wrong name or password$"):
            A.authenticate(s, name, "not the password")
        return time.perf_counter() - started

    cost("nobody")  # the dummy hash is made once, on first need
    known = sorted(cost("ada") for _ in range(3))[1]
    unknown = sorted(cost("nobody") for _ in range(3))[1]
    # both verify one argon2id hash of the same parameters and write one event
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_tokens_are_shown_once_stored_hashed_and_revocable(s: Session) -> None:
    team(s)
    with s.acting_as("vera"):
        info, token = A.create_token(s, "vera", "nightly export")
    assert token.startswith(f"ua_{info.id}_") and len(token) == len(f"ua_{info.id}_") + 64
    assert (info.account, info.label, info.created_by, info.revoked) == (
        "vera", "nightly export", "vera", None
    )  # fmt: skip
    secret = token.split("_", 2)[2]
    row = s.store.token(info.id)
    assert row is not None and secret not in json.dumps(row, default=str)
    assert json.dumps([t.as_dict() for t in A.tokens(s)], default=str).count(secret) == 0
    found = A.account_for_token(s, token)
    assert found is not None and (found.name, found.role) == ("vera", "viewer")
    assert A.account_for_token(s, token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert A.account_for_token(s, "ua_99_" + secret) is None
    assert A.account_for_token(s, "not a token") is None
    with s.acting_as("vera"):
        revoked = A.revoke_token(s, info.id)
    assert revoked.revoked is not None
    assert A.account_for_token(s, token) is None
    with pytest.raises(InputError, match=f"^API token {info.id} was already revoked on "):
        A.revoke_token(s, info.id)


def test_an_account_handles_only_its_own_tokens_unless_admin(s: Session) -> None:
    team(s)
    mine, _ = A.create_token(s, "ada", "admin's")
    with s.acting_as("ed"):
        with pytest.raises(PermissionDenied, match="^ed may not create an API token for vera: "):
            A.create_token(s, "vera")
        with pytest.raises(PermissionDenied, match="^ed may not revoke an API token of ada: "):
            A.revoke_token(s, mine.id)
        own, _ = A.create_token(s, "ed", "ed's")
        assert [t.id for t in A.tokens(s)] == [own.id]  # only ed's own
        with pytest.raises(PermissionDenied, match="^ed may not list the API tokens of ada: "):
            A.tokens(s, "ada")
    vera_token, _ = A.create_token(s, "vera", "made by an admin")
    assert vera_token.created_by == "ada"
    assert [t.account for t in A.tokens(s)] == ["ada", "ed", "vera"]
    assert [t.id for t in A.tokens(s, "vera")] == [vera_token.id]


def test_removing_an_account_revokes_its_tokens(s: Session) -> None:
    team(s)
    _, token = A.create_token(s, "vera")
    A.remove_user(s, "vera")
    assert A.account_for_token(s, token) is None
    assert all(t.revoked is not None for t in A.tokens(s, "vera"))


def test_a_token_use_is_written_down_once_an_hour(s: Session) -> None:
    team(s)
    info, token = A.create_token(s, "vera")
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    for minutes in (0, 30, 59, 60):
        assert A.account_for_token(s, token, now=now + timedelta(minutes=minutes)) is not None
    uses = [e for e in s.store.events() if e["command"] == "login"]
    assert [json.loads(e["args"]) for e in uses] == [{"account": "vera", "token": info.id}] * 2
    assert A.tokens(s, "vera")[0].last_used == now + timedelta(minutes=60)


def test_a_workspace_of_an_older_schema_gets_the_accounts_tables(ws: Workspace) -> None:
    with Session.open(ws.root, "ada") as s:
        assert s.store.account_roles() == {}
        assert s.store.tokens() == []


def test_roles_are_read_outside_the_unit_of_work(s: Session, ws: Workspace) -> None:
    team(s)
    s.close()
    # a fresh session reads the roles at its first check, before any transaction opens
    with Session.open(ws.root, "ed") as again:
        assert not again.store.in_transaction
        assert again.may("ingest") and not again.may("user-add")
        assert not again.store.in_transaction
