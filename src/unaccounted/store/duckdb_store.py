"""The embedded store: one DuckDB file, behind the interfaces of ``store/base.py``.

:class:`DuckDBStore` is the core (connection, schema, transactions, events) with the query
mixins of each area; each mixin's module holds that area's SQL. A second backend
(PostgreSQL for a team server) implements the same interfaces and passes the same
contract tests (``tests/store/test_contract.py``).
"""

from __future__ import annotations

from unaccounted.store.accounts import AccountQueries
from unaccounted.store.audit import AuditQueries
from unaccounted.store.judgements import JudgementQueries
from unaccounted.store.linkage import LinkageQueries
from unaccounted.store.normalized import NormalizedQueries
from unaccounted.store.nowcast import NowcastQueries
from unaccounted.store.protection import ProtectionQueries
from unaccounted.store.publication import PublicationQueries
from unaccounted.store.report import ReportQueries
from unaccounted.store.resolve import ResolveQueries
from unaccounted.store.search import SearchIndexQueries
from unaccounted.store.shared import SharedFileQueries
from unaccounted.store.staging import Stager
from unaccounted.store.strata import StrataQueries
from unaccounted.store.testimonies import TestimonyQueries
from unaccounted.store.views import ViewQueries


class DuckDBStore(
    LinkageQueries,
    JudgementQueries,
    NormalizedQueries,
    ResolveQueries,
    StrataQueries,
    NowcastQueries,
    ReportQueries,
    SharedFileQueries,
    ViewQueries,
    SearchIndexQueries,
    PublicationQueries,
    AccountQueries,
    AuditQueries,
    ProtectionQueries,
    TestimonyQueries,
):
    """A workspace store in one DuckDB file. Use :meth:`create` or :meth:`open`, then
    ``close`` (or ``with``)."""

    def stager(self, event_id: int) -> Stager:
        """The ingest stage's scratch area for one event (a context manager)."""
        return Stager(self, event_id)
