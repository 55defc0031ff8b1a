"""Person views of a workspace: read from the stored views, computed where they are stale.

A view (:class:`PersonView`) holds best values with their rules, the grade, the status
history, every claim with its source, and the conflicts between claims kept visible; it
is computed by :func:`view_of` and kept in the store by :mod:`unaccounted.resolve.stored`.
"""

from __future__ import annotations

from collections.abc import Iterator

from unaccounted.resolve.rules import GradingRules
from unaccounted.resolve.stored import current_view, current_views, require_persons
from unaccounted.resolve.view import CLAIM_FIELDS, PersonView, view_of
from unaccounted.store import Store

__all__ = ["CLAIM_FIELDS", "PersonView", "all_views", "person_view", "require_persons", "view_of"]


def person_view(store: Store, person_id: str, rules: GradingRules) -> PersonView:
    """One person's view; :class:`InputError` when the workspace has no such person."""
    return current_view(store, person_id, rules)


def all_views(store: Store, rules: GradingRules) -> Iterator[PersonView]:
    """Every person of the current clustering, in person id order."""
    return current_views(store, rules)
