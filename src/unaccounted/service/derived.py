"""What the stages derive for readers — the stored person views and the search index —
brought up to date at the end of every write that can change them, in its unit of work."""

from __future__ import annotations

from unaccounted.resolve import workspace_rules
from unaccounted.resolve.stored import refresh_views
from unaccounted.search import update_index
from unaccounted.service.session import Work


def refresh_derived(work: Work) -> None:
    """Refresh what changed since the last refresh; a workspace with no persons yet has
    nothing to refresh. Runs inside the unit of work's transaction (or opens its own when
    the stage committed its own, as ingest does), so a failure leaves both as they were."""
    store = work.store
    with store.transaction():
        index = update_index(store)
        work.counts["search_rows_written"] = index.written
        if store.person_count() or store.view_count():
            rules = workspace_rules(work.session.workspace)
            work.counts["views_refreshed"] = refresh_views(store, rules)
