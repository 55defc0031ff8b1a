"""The service: the one way into a workspace for the command line and the web application.

Open a :class:`Session` on a workspace as an actor, then call the functions of the area
modules with it:

* :mod:`~unaccounted.service.workspace` — status, sources, rejects, events, record exports;
* :mod:`~unaccounted.service.ingest` — reading source files in;
* :mod:`~unaccounted.service.link` — normalize, link, judgements, the review queue;
* :mod:`~unaccounted.service.persons` — person views, grades, histories, dossiers,
  concealment, clusterings made elsewhere, person exports;
* :mod:`~unaccounted.service.search` — finding persons by name in any script and form;
* :mod:`~unaccounted.service.estimates` — multiple systems estimation and nowcasts;
* :mod:`~unaccounted.service.shared` — the files a team shares, with their history;
* :mod:`~unaccounted.service.publication` — the publication rule, the published persons a
  viewer sees, the memorial site;
* :mod:`~unaccounted.service.accounts` — accounts and roles, sign-in, API tokens;
* :mod:`~unaccounted.service.audit` — the audit log: verify its hash chain, read it;
* :mod:`~unaccounted.service.tools` — the HTML report, the simulator, the demo.

Every write is one unit of work (permission check, one transaction, one audit event by
the actor); every read is checked by the same permission hook. See docs/architecture.md.
"""

from unaccounted.service.actions import ACTIONS, ROLES, Action
from unaccounted.service.session import (
    AccountPermissions,
    AllowAll,
    PermissionDenied,
    Permissions,
    Readers,
    RolePermissions,
    Session,
    Work,
)

__all__ = [
    "ACTIONS",
    "ROLES",
    "AccountPermissions",
    "Action",
    "AllowAll",
    "PermissionDenied",
    "Permissions",
    "Readers",
    "RolePermissions",
    "Session",
    "Work",
]
