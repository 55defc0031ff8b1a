"""The command line: the only part of unaccounted that knows about the terminal.

Each verb group lives in its own module under ``cli/`` and registers its commands on
``app`` when imported; the list below is the whole command surface.
"""

from __future__ import annotations

from unaccounted.cli import account_cmds as _account_cmds  # noqa: F401
from unaccounted.cli import audit_cmds as _audit_cmds  # noqa: F401
from unaccounted.cli import demo_cmds as _demo_cmds  # noqa: F401
from unaccounted.cli import estimate_cmds as _estimate_cmds  # noqa: F401
from unaccounted.cli import export_cmds as _export_cmds  # noqa: F401
from unaccounted.cli import ingest_cmds as _ingest_cmds  # noqa: F401
from unaccounted.cli import link_cmds as _link_cmds  # noqa: F401
from unaccounted.cli import normalize_cmds as _normalize_cmds  # noqa: F401
from unaccounted.cli import nowcast_cmds as _nowcast_cmds  # noqa: F401
from unaccounted.cli import protect_cmds as _protect_cmds  # noqa: F401
from unaccounted.cli import publish_cmds as _publish_cmds  # noqa: F401
from unaccounted.cli import report_cmds as _report_cmds  # noqa: F401
from unaccounted.cli import resolve_cmds as _resolve_cmds  # noqa: F401
from unaccounted.cli import search_cmds as _search_cmds  # noqa: F401
from unaccounted.cli import simulate_cmds as _simulate_cmds  # noqa: F401
from unaccounted.cli import testimony_cmds as _testimony_cmds  # noqa: F401
from unaccounted.cli import testimony_io_cmds as _testimony_io_cmds  # noqa: F401
from unaccounted.cli import testimony_publication_cmds as _testimony_publication_cmds  # noqa: F401
from unaccounted.cli import web_cmds as _web_cmds  # noqa: F401
from unaccounted.cli import workspace_cmds as _workspace_cmds  # noqa: F401  (registers commands)
from unaccounted.cli.app import app, main

__all__ = ["app", "main"]
