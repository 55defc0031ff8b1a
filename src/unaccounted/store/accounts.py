"""SQL of accounts and API tokens.

The store keeps what the service hands it: a password's argon2 hash and a token secret's
SHA-256 hash, never the password or the secret. Deciding who may sign in, and checking a
password, is the service's job (``service/accounts.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from unaccounted.store.duckdb_core import DuckDBCore

_ACCOUNT = """SELECT name, role, password_hash, created, created_by, password_set,
    failed_logins, locked_until, last_login FROM accounts"""

_TOKEN = """SELECT id, account, secret_hash, label, created, created_by, last_used, revoked
    FROM api_tokens"""


class AccountQueries(DuckDBCore):
    """Accounts and API tokens: see the module docstring."""

    def account_roles(self) -> dict[str, str]:
        return {str(r["name"]): str(r["role"]) for r in self.rows(
            "SELECT name, role FROM accounts ORDER BY name")}  # fmt: skip

    def account(self, name: str) -> dict[str, Any] | None:
        rows = self.rows(_ACCOUNT + " WHERE name = ?", [name])
        return rows[0] if rows else None

    def accounts(self) -> list[dict[str, Any]]:
        return self.rows(_ACCOUNT + " ORDER BY name")

    def add_account(self, name: str, role: str, password_hash: str, now: datetime) -> None:
        self.execute(
            "INSERT INTO accounts (name, role, password_hash, created, created_by, password_set)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [name, role, password_hash, now, self.actor, now],
        )

    def remove_account(self, name: str, now: datetime) -> None:
        self.execute(
            "UPDATE api_tokens SET revoked = ? WHERE account = ? AND revoked IS NULL", [now, name]
        )
        self.execute("DELETE FROM accounts WHERE name = ?", [name])

    def set_account_role(self, name: str, role: str) -> None:
        self.execute("UPDATE accounts SET role = ? WHERE name = ?", [role, name])

    def set_password_hash(self, name: str, password_hash: str, now: datetime) -> None:
        self.execute(
            "UPDATE accounts SET password_hash = ?, password_set = ?, failed_logins = 0, "
            "locked_until = NULL WHERE name = ?",
            [password_hash, now, name],
        )

    def record_login(
        self, name: str, *, failed_logins: int, locked_until: datetime | None,
        last_login: datetime | None = None,
    ) -> None:  # fmt: skip
        self.execute(
            "UPDATE accounts SET failed_logins = ?, locked_until = ?, "
            "last_login = coalesce(?, last_login) WHERE name = ?",
            [failed_logins, locked_until, last_login, name],
        )

    def add_token(self, account: str, secret_hash: str, label: str, now: datetime) -> int:
        token_id = int(self.scalar("SELECT nextval('api_token_seq')"))
        self.execute(
            "INSERT INTO api_tokens (id, account, secret_hash, label, created, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [token_id, account, secret_hash, label, now, self.actor],
        )
        return token_id

    def token(self, token_id: int) -> dict[str, Any] | None:
        rows = self.rows(_TOKEN + " WHERE id = ?", [token_id])
        return rows[0] if rows else None

    def tokens(self, account: str | None = None) -> list[dict[str, Any]]:
        return self.rows(_TOKEN + " WHERE ? IS NULL OR account = ? ORDER BY id", [account, account])

    def revoke_token(self, token_id: int, now: datetime) -> bool:
        before = self.token(token_id)
        if before is None or before["revoked"] is not None:
            return False
        self.execute("UPDATE api_tokens SET revoked = ? WHERE id = ?", [now, token_id])
        return True

    def touch_token(self, token_id: int, now: datetime) -> None:
        self.execute("UPDATE api_tokens SET last_used = ? WHERE id = ?", [now, token_id])
