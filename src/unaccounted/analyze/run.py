"""The analyze stage over a workspace: stored person views → unit alias groups → reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unaccounted.analyze.concealment import ConcealmentReport, concealment
from unaccounted.analyze.units import UnitIndex, infer_units
from unaccounted.errors import InputError
from unaccounted.resolve.rules import GradingRules, workspace_rules
from unaccounted.resolve.stored import workspace_views
from unaccounted.resolve.view import PersonView
from unaccounted.workspace import Workspace
from unaccounted.yamlfile import read_yaml_mapping

#: Unit aliases a user confirmed, in the workspace: ``aliases: [[key, key], …]``.
CONFIRMED_ALIASES = "unit_aliases.yaml"


@dataclass
class Analysis:
    """The person views (summaries: see :mod:`unaccounted.resolve.serial`) and their units."""

    rules: GradingRules
    views: list[PersonView]
    units: UnitIndex

    def concealment(
        self, ws: Workspace, falsified: dict[str, list[tuple[str, str]]] | None = None
    ) -> ConcealmentReport:
        """The concealment report; ``falsified``: unit key → the falsified
        missing-in-action reports naming it, as (incident id, grade)."""
        s = ws.settings.resolve
        return concealment(
            self.views,
            self.units,
            self.rules,
            min_missing=s.concealment_min_missing,
            fdr=s.concealment_fdr,
            falsified=falsified,
        )


def confirmed_aliases(ws: Workspace) -> list[tuple[str, str]]:
    """Alias pairs a user confirmed in the workspace's ``unit_aliases.yaml``."""
    path: Path = ws.root / CONFIRMED_ALIASES
    if not path.exists():
        return []
    data = read_yaml_mapping(path, "unit aliases")
    pairs = data.get("aliases") or []
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(k, str) for k in p) for p in pairs
    ):
        raise InputError(f"unit aliases {path}: key 'aliases' must be a list of [key, key] pairs")
    return [(a, b) for a, b in pairs]


def analyze(ws: Workspace) -> Analysis:
    """Every person's view with the unit groups. The views are the stored summaries
    (:func:`workspace_views`): complete but for the claim values no analysis reads."""
    rules = workspace_rules(ws)
    views = workspace_views(ws, rules, summary=True)
    s = ws.settings.resolve
    units = infer_units(
        views,
        rules,
        min_support=s.alias_min_support,
        min_share=s.alias_min_share,
        confirmed=confirmed_aliases(ws),
    )
    return Analysis(rules, views, units)
