"""The docs say what the code does: every command, option and setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from unaccounted.cli import app
from unaccounted.settings import settings_reference

ROOT = Path(__file__).resolve().parents[1]


def commands() -> list[tuple[str, list[str]]]:
    """Every command path with its option names."""
    found: list[tuple[str, list[str]]] = []

    def walk(command: object, prefix: str) -> None:
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            path = f"{prefix}{name}"
            if getattr(sub, "commands", None):
                walk(sub, path + " ")
            else:
                opts = [o for p in sub.params for o in p.opts if o.startswith("--")]
                found.append((path, [o for o in opts if o != "--help"]))

    walk(typer.main.get_command(app), "")
    return found


@pytest.mark.parametrize(("command", "options"), commands())
def test_every_command_and_option_is_in_the_reference(command: str, options: list[str]) -> None:
    text = (ROOT / "docs" / "cli.md").read_text("utf-8")
    heading = f"### `unaccounted {command}"
    assert heading in text, f"docs/cli.md has no section for '{command}'"
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    missing = [o for o in options if o not in section]
    assert not missing, f"docs/cli.md does not mention {missing} in the section of '{command}'"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text("utf-8")
    missing = [name for name, _, _ in settings_reference() if f"`{name}`" not in text]
    assert not missing, f"docs/settings.md does not document {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    first_block = text.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
