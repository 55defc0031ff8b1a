"""Resolve: persons (clusters of records) into person views with best values, grades and
status histories. Input: ``person_records`` and the normalized fields; see docs/resolve.md."""

from unaccounted.resolve.person import PersonView, all_views, person_view, view_of
from unaccounted.resolve.rules import GradingRules, default_rules, load_rules, workspace_rules

__all__ = [
    "GradingRules",
    "PersonView",
    "all_views",
    "default_rules",
    "load_rules",
    "person_view",
    "view_of",
    "workspace_rules",
]
