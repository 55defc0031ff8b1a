"""Every action the service performs, by name: what the permission hook is asked about.

Each action names the least role that may do it. The roles are ordered — a ``viewer``
reads published persons, a ``reviewer`` also reviews pairs, an ``editor`` also ingests,
edits sources, rules and publication, an ``admin`` also manages accounts — and a role may
do whatever a lesser role may. The command line and the web application ask the same
question of the same hook (:class:`unaccounted.service.session.Permissions`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The roles, least first; each may do everything the ones before it may.
ROLES: tuple[str, ...] = ("viewer", "reviewer", "editor", "admin")


def role_rank(role: str) -> int:
    """The position of ``role`` in :data:`ROLES`; an unknown role is a ValueError."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}") from None


@dataclass(frozen=True)
class Action:
    name: str
    writes: bool
    #: What the actor would do, as the end of "ACTOR may not …".
    summary: str
    #: The least role that may do it.
    role: str


def _actions(*items: tuple[str, bool, str, str]) -> dict[str, Action]:
    return {name: Action(name, writes, summary, role) for name, writes, summary, role in items}


ACTIONS: dict[str, Action] = _actions(
    # writes
    ("ingest", True, "ingest source files", "editor"),
    ("normalize", True, "normalize records", "editor"),
    ("link", True, "link records into persons", "editor"),
    ("load-clusters", True, "load a clustering", "editor"),
    ("judge", True, "record a judgement about a pair of records", "reviewer"),
    ("withdraw-judgement", True, "withdraw a judgement", "reviewer"),
    ("import-judgements", True, "import judgements", "editor"),
    ("set-source-group", True, "change a source's independence group", "editor"),
    ("set-source-kind", True, "change a source's kind", "editor"),
    ("set-source-confidential", True, "mark a source confidential or not", "editor"),
    ("confirm-unit-alias", True, "confirm a unit alias", "editor"),
    ("put-shared-file", True, "change a shared file (grading rules, unit aliases, pack)", "editor"),
    ("set-publication-rule", True, "change the publication rule", "editor"),
    ("publish", True, "publish the memorial site", "editor"),
    ("refresh", True, "refresh the stored person views and the search index", "editor"),
    ("split-record", True, "split a record out of a person", "reviewer"),
    ("merge-persons", True, "merge two persons", "reviewer"),
    ("run-job", True, "run an ingest, normalize and link job", "editor"),
    ("export-protected", True, "export protected fields", "editor"),
    ("view-protected", True, "see protected fields", "reviewer"),
    ("rotate-key", True, "rotate the protection key", "admin"),
    ("login", True, "sign in", "viewer"),
    ("user-add", True, "add an account", "admin"),
    ("user-remove", True, "remove an account", "admin"),
    ("user-role", True, "change an account's role", "admin"),
    ("user-passwd", True, "change another account's password", "admin"),
    ("passwd", True, "change their own password", "viewer"),
    ("token-create", True, "create an API token", "viewer"),
    ("token-revoke", True, "revoke an API token", "viewer"),
    ("testimony-add", True, "take in a testimony", "editor"),
    ("testimony-import", True, "import testimonies from a table or a form export", "editor"),
    ("testimony-passage", True, "set the level of a testimony's passage", "editor"),
    ("view-testimony-original", True, "read a testimony's original", "reviewer"),
    ("view-testimony-protected", True, "see a testimony's protected passages", "reviewer"),
    ("incident-add", True, "add an incident", "editor"),
    ("incident-edit", True, "change an incident", "editor"),
    ("incident-involve", True, "name who was involved in an incident", "editor"),
    ("incident-uninvolve", True, "remove an involvement from an incident", "editor"),
    ("incident-link", True, "link a testimony to an incident", "editor"),
    ("incident-type-add", True, "add an incident type to the vocabulary", "editor"),
    ("place-add", True, "add a place", "editor"),
    ("place-alias", True, "add a place's alias", "editor"),
    ("testimony-suggest", True, "read suggestions from a testimony's text", "reviewer"),
    ("suggestion-accept", True, "accept a suggestion into the record", "editor"),
    ("suggestion-correct", True, "correct a suggestion into the record", "editor"),
    ("suggestion-reject", True, "reject a suggestion", "reviewer"),
    ("testimony-name-clear", True, "clear a name in a testimony for publication", "editor"),
    ("testimony-name-withhold", True, "withdraw a name's clearance for publication", "editor"),
    ("incident-publish", True, "mark an incident published or not", "editor"),
    # reads
    ("status", False, "see the workspace's counts", "viewer"),
    ("doctor", False, "check the whole store", "editor"),
    ("sources", False, "list the sources", "reviewer"),
    ("rejects", False, "list the rejected rows", "editor"),
    ("events", False, "read the event log", "editor"),
    ("export-records", False, "export records", "editor"),
    ("export-persons", False, "export persons", "viewer"),
    ("explain-record", False, "explain a record's normalized fields", "reviewer"),
    ("explain-pair", False, "explain a pair's match score", "reviewer"),
    ("review-queue", False, "see the review queue", "reviewer"),
    ("judgements", False, "list the judgements", "reviewer"),
    ("person", False, "see a person", "viewer"),
    ("search", False, "search persons by name", "viewer"),
    ("see-unpublished", False, "see persons that are not published", "reviewer"),
    ("grades", False, "count persons by grade", "viewer"),
    ("history", False, "see status transitions", "viewer"),
    ("unit", False, "see a unit's dossier", "viewer"),
    ("region", False, "see a region's dossier", "viewer"),
    ("unit-aliases", False, "see unit aliases", "reviewer"),
    ("concealment", False, "see the concealment report", "viewer"),
    ("estimate", False, "estimate from the workspace", "viewer"),
    ("nowcast", False, "nowcast from the workspace", "viewer"),
    ("report", False, "write the HTML report", "editor"),
    ("shared-file", False, "read a shared file", "reviewer"),
    ("publication-rule", False, "see the publication rule", "reviewer"),
    ("users", False, "list the accounts", "admin"),
    ("tokens", False, "list API tokens", "viewer"),
    ("audit-log", False, "read the audit log", "admin"),
    ("audit-verify", False, "verify the audit log", "editor"),
    ("testimonies", False, "see testimonies and their chain of custody", "reviewer"),
    ("incidents", False, "see incidents, places and the incident types", "reviewer"),
    ("export-incidents", False, "export incidents (CSV, FollowTheMoney)", "reviewer"),
    ("published-accounts", False, "see published accounts and incidents", "viewer"),
    ("export-published-incidents", False, "export published incidents", "viewer"),
)
