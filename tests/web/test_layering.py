"""The web application reaches the workspace through the service only, as the command line
does: ``web/`` imports ``unaccounted.service*``, ``unaccounted.errors``,
``unaccounted.present`` and its own modules, nothing else of the package."""

from __future__ import annotations

from tests.test_layering import INTERFACE_ALLOWED, _modules_of, _ours, _within


def test_the_web_reaches_the_workspace_through_the_service_only() -> None:
    bad = {
        (module, imported)
        for module, imports in _modules_of("unaccounted.web").items()
        for imported in _ours(imports)
        if not _within(imported, ("unaccounted.web", *INTERFACE_ALLOWED))
    }
    assert bad == set()


def test_the_web_does_not_know_the_terminal_or_the_store() -> None:
    imports = set().union(*_modules_of("unaccounted.web").values())
    assert not {i for i in imports if _within(i, ("typer", "rich", "duckdb", "splink"))}
