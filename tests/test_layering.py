"""The seams hold: who may import whom inside the package.

* the command line (and the web application) reach the workspace through ``service/``
  only, plus the presentation helpers and the error types;
* stages see the store's interface (``store/base.py``, ``store/types.py`` and the
  package's opening functions), never the DuckDB backend's modules;
* the estimates use linkage only through its public ``link/constraints.py``;
* only ``link/`` knows Splink, only ``cli/`` knows the terminal libraries;
* the simulator is used by the simulator's own tools (evaluation, demo, the service's
  tools), never by a stage.

Every import is read from the source (module level and inside functions), so a lazy
import is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "unaccounted"

#: Modules of the store package that are the DuckDB backend (everything but the interface:
#: ``base``, ``types`` and the package's own opening functions).
BACKEND_MODULES = {
    p.stem for p in (PACKAGE / "store").glob("*.py") if p.stem not in ("__init__", "base", "types")
} | {"migrations"}
#: What an interface module may import besides itself (presentation and errors).
INTERFACE_ALLOWED = ("unaccounted.service", "unaccounted.errors", "unaccounted.present")
STAGES = ("ingest", "normalize", "link", "resolve", "analyze", "estimate", "nowcast", "report",
          "search")  # fmt: skip
SIMULATOR_USERS = ("unaccounted.simulate", "unaccounted.evaluate", "unaccounted.demo",
                   "unaccounted.service.tools")  # fmt: skip


def module_name(path: Path) -> str:
    if not path.is_relative_to(PACKAGE.parent):
        return path.stem
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (``from X import y`` counts X and X.y)."""
    found: set[str] = set()
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative imports are not used in this package, but resolve them
                base = ".".join([*(package or "").split(".")[: -node.level + 1 or None], base])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _ours(imported: set[str]) -> set[str]:
    return {m for m in imported if m == "unaccounted" or m.startswith("unaccounted.")}


def _modules_of(*prefixes: str) -> dict[str, set[str]]:
    found = {m: i for m, i in MODULES.items() if _within(m, prefixes)}
    assert found, f"no modules under {prefixes}"
    return found


def test_the_command_line_reaches_the_workspace_through_the_service_only() -> None:
    bad = {
        (module, imported)
        for module, imports in _modules_of("unaccounted.cli").items()
        for imported in _ours(imports)
        if imported != "unaccounted"  # the version
        and not _within(imported, ("unaccounted.cli", *INTERFACE_ALLOWED))
        # ``from unaccounted import __version__`` names the package root
        and imported != "unaccounted.__version__"
    }
    assert bad == set()


def backend_imports(modules: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(module, import) pairs that reach past the store's interface."""
    return {
        (module, imported)
        for module, imports in modules.items()
        for imported in _ours(imports)
        if imported.startswith("unaccounted.store.") and imported.split(".")[2] in BACKEND_MODULES
    }


@pytest.mark.parametrize("stage", STAGES)
def test_stages_see_the_store_interface_not_the_duckdb_backend(stage: str) -> None:
    modules = {m: i for m, i in MODULES.items() if _within(m, (f"unaccounted.{stage}",))}
    if not modules:
        pytest.skip(f"no {stage} package")
    assert backend_imports(modules) == set()


def test_no_stage_imports_the_service_or_the_command_line() -> None:
    bad = {
        (module, imported)
        for stage in STAGES
        for module, imports in MODULES.items()
        if _within(module, (f"unaccounted.{stage}",))
        for imported in _ours(imports)
        if _within(imported, ("unaccounted.service", "unaccounted.cli"))
    }
    assert bad == set()


def test_estimates_use_linkage_only_through_its_public_constraints() -> None:
    bad = {
        (module, imported)
        for module, imports in _modules_of("unaccounted.estimate").items()
        for imported in _ours(imports)
        if _within(imported, ("unaccounted.link",))
        and not _within(imported, ("unaccounted.link.constraints",))
        and imported != "unaccounted.link"  # ``from unaccounted.link import constraints``
    }
    assert bad == set()
    assert any(
        "unaccounted.link.constraints" in imports
        for imports in _modules_of("unaccounted.estimate").values()
    )


def test_only_the_simulators_tools_import_the_simulator() -> None:
    bad = {
        module
        for module, imports in MODULES.items()
        if not _within(module, SIMULATOR_USERS)
        and any(_within(i, ("unaccounted.simulate",)) for i in imports)
    }
    assert bad == set()


def test_only_link_knows_splink_and_only_the_command_line_knows_the_terminal() -> None:
    splink = {m for m, i in MODULES.items() if any(_within(x, ("splink",)) for x in i)}
    terminal = {m for m, i in MODULES.items() if any(_within(x, ("typer", "rich")) for x in i)}
    assert splink and all(_within(m, ("unaccounted.link",)) for m in splink), splink
    assert terminal and all(_within(m, ("unaccounted.cli",)) for m in terminal), terminal


def test_the_layering_test_sees_a_violation(tmp_path: Path) -> None:
    # a lazy import of a backend module inside a function, and one of its names
    stage = tmp_path / "stage.py"
    stage.write_text(
        "from unaccounted.store import Store\n"
        "from unaccounted.store.types import Key\n"
        "def f():\n    from unaccounted.store import linkage\n"
        "    from unaccounted.store.duckdb_store import DuckDBStore\n",
        "utf-8",
    )
    found = backend_imports({"unaccounted.link.x": imports_of(stage)})
    assert found == {
        ("unaccounted.link.x", "unaccounted.store.linkage"),
        ("unaccounted.link.x", "unaccounted.store.duckdb_store"),
        ("unaccounted.link.x", "unaccounted.store.duckdb_store.DuckDBStore"),
    }
