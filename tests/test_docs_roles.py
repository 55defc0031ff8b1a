"""docs/accounts.md lists every action with the least role that may do it, exactly as
``service/actions.py`` says (the permission hook's table)."""

from __future__ import annotations

from pathlib import Path

from unaccounted.service.actions import ACTIONS, ROLES

ROOT = Path(__file__).resolve().parents[1]


def actions_table() -> str:
    """The table of docs/accounts.md: each role's actions (those it is the least role of),
    changes first, in the order of ``ACTIONS``."""
    lines = ["| least role | action | changes or reads | what it is |", "|---|---|---|---|"]
    for role in ROLES:
        for writes in (True, False):
            for a in ACTIONS.values():
                if a.role == role and a.writes == writes:
                    kind = "changes" if a.writes else "reads"
                    lines.append(f"| {role} | `{a.name}` | {kind} | {a.summary} |")
    return "\n".join(lines) + "\n"


def test_the_roles_table_is_the_permission_hooks() -> None:
    text = (ROOT / "docs" / "accounts.md").read_text("utf-8")
    assert actions_table() in text, (
        "docs/accounts.md's action table differs from service/actions.py; paste in the "
        "output of tests.test_docs_roles.actions_table()"
    )


def test_the_account_docs_are_linked() -> None:
    assert "docs/accounts.md" in (ROOT / "README.md").read_text("utf-8")
    assert "(accounts.md)" in (ROOT / "docs" / "cli.md").read_text("utf-8")
