"""Accounts and API tokens: ``user add|remove|passwd|role|list`` and
``token create|revoke|list``.

Every command acts ``--as`` someone and obeys that account's role, as the web application
does. A password is read with hidden input, twice, or once from stdin with
``--password-stdin``; it is asked for only after the actor is known to be allowed.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import click
import typer
from rich.table import Table
from rich.text import Text

from unaccounted.cli.app import app, console, out, session
from unaccounted.errors import InputError
from unaccounted.present import terminal_safe
from unaccounted.service import accounts as service

user_app = typer.Typer(
    help="Accounts and their roles (viewer, reviewer, editor, admin): add, remove, passwd, "
    "role, list.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")

token_app = typer.Typer(
    help="API tokens for scripts: create (shown once), revoke, list.", no_args_is_help=True
)
app.add_typer(token_app, name="token")

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of stdin instead of asking for it.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")]


def _password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or asked twice with hidden input."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        service.check_password(password)
        return password
    if not _interactive():
        raise InputError("no terminal to ask for the password on; pass --password-stdin")
    password = str(click.prompt("new password", hide_input=True, err=True))
    service.check_password(password)
    again = str(click.prompt("the same again", hide_input=True, err=True))
    if again != password:
        raise InputError("the two passwords differ; nothing was changed")
    return password


def _say(text: str) -> None:
    """One message for the person at the terminal (stderr), on one line."""
    console.print(terminal_safe(text), markup=False, soft_wrap=True)


def _interactive() -> bool:
    """Whether a person at a terminal can be asked for a password."""
    return sys.stdin.isatty()


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _when(value: str | None) -> str:
    """An ISO time in UTC to the minute: ``2026-03-01 12:15``."""
    return "" if value is None else value[:16].replace("T", " ")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account's name (what --as names).")],
    role: Annotated[
        str, typer.Option("--role", help="viewer, reviewer, editor or admin.")
    ] = "viewer",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add an account. The workspace's first account must be an admin and may be added
    by anyone; after that only an admin may add accounts."""
    with session(ctx) as s:
        first = not service.has_accounts(s)
        service.check_add_user(s, name, role)
        added = service.add_user(s, name, role, _password(password_stdin))
    _say(f"added account {added.name} ({added.role})")
    if first:
        _say(
            "the workspace has accounts now: every command acts as an account "
            f"(--as {added.name}, or $UNACCOUNTED_USER) and may do what its role allows"
        )


@user_app.command("remove")
def user_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account to remove.")],
) -> None:
    """Remove an account and revoke its API tokens (never the last admin)."""
    with session(ctx) as s:
        service.remove_user(s, name)
    _say(f"removed account {name}; its API tokens are revoked")


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(help="Whose password (default: your own, the --as account).",
                       show_default=False),
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:  # fmt: skip
    """Set a new password (and lift a lock): your own, or as an admin anyone's."""
    with session(ctx) as s:
        whose = name or s.actor
        service.check_set_password(s, whose)
        service.set_password(s, whose, _password(password_stdin))
    _say(f"password of {whose} changed")


@user_app.command("role")
def user_role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account.")],
    role: Annotated[str, typer.Argument(help="viewer, reviewer, editor or admin.")],
) -> None:
    """Give an account another role (the last admin stays an admin)."""
    with session(ctx) as s:
        before = service.set_role(s, name, role)
    _say(f"{name}: role {before} -> {role}")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the accounts with their role, who added them and when, last sign-in and lock."""
    with session(ctx, read_only=True) as s:
        rows = [u.as_dict() for u in service.users(s)]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        _say(
            "no accounts: everyone may do everything in this workspace; add the "
            "first (an admin) with 'unaccounted user add NAME --role admin'"
        )
        return
    table = Table("account", "role", "added (UTC)", "by", "last sign-in", "locked until")
    for r in rows:
        table.add_row(*(Text(terminal_safe(v)) for v in (
            r["name"], r["role"], _when(r["created"]), r["created_by"],
            _when(r["last_login"]), _when(r["locked_until"]))))  # fmt: skip
    out.print(table)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    account: Annotated[
        str | None,
        typer.Option("--account", help="Whose token (default: your own; an admin may name "
                     "any account).", show_default=False),
    ] = None,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
) -> None:  # fmt: skip
    """Create an API token for scripts. It is printed once, now, to stdout, and stored only
    as a hash: keep it where you keep passwords."""
    with session(ctx) as s:
        info, token = service.create_token(s, account or s.actor, label)
    out.print(token, markup=False, highlight=False)
    _say(
        f"API token {info.id} for {info.account}: this is the only time it is shown; "
        f"revoke it with 'unaccounted token revoke {info.id}'"
    )


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(help="The token's number (see 'token list').")],
) -> None:
    """Revoke an API token: it is refused from now on."""
    with session(ctx) as s:
        info = service.revoke_token(s, token_id)
    _say(f"API token {info.id} of {info.account} revoked")


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    account: Annotated[
        str | None,
        typer.Option("--account", help="Only this account's (an admin sees every account's).",
                     show_default=False),
    ] = None,
    as_json: AsJson = False,
) -> None:  # fmt: skip
    """List API tokens (never their secrets): your own, or as an admin everyone's."""
    with session(ctx, read_only=True) as s:
        rows = [t.as_dict() for t in service.tokens(s, account)]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        _say("no API tokens")
        return
    table = Table("id", "account", "label", "created (UTC)", "by", "last used", "revoked")
    for r in rows:
        table.add_row(*(Text(terminal_safe(v)) for v in (
            str(r["id"]), r["account"], r["label"], _when(r["created"]), r["created_by"],
            _when(r["last_used"]), _when(r["revoked"]))))  # fmt: skip
    out.print(table)
