"""Resolve: persons (clusters of records) into person views with best values, grades and
status histories, stored in the workspace (:func:`refresh_views`). Input:
``person_records`` and the normalized fields; see docs/resolve.md."""

from unaccounted.resolve.person import PersonView, all_views, person_view, view_of
from unaccounted.resolve.rules import GradingRules, default_rules, load_rules, workspace_rules
from unaccounted.resolve.stored import person_count, refresh_views, stored_view, stored_views

__all__ = [
    "GradingRules",
    "PersonView",
    "all_views",
    "default_rules",
    "load_rules",
    "person_count",
    "person_view",
    "refresh_views",
    "stored_view",
    "stored_views",
    "view_of",
    "workspace_rules",
]
