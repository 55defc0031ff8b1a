"""Every action the service performs, by name: what the permission hook is asked about.

A role system (accounts, viewers, reviewers, editors) attaches to these names without
touching the stages; the command line and the web application ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    writes: bool
    #: What the actor would do, as the end of "ACTOR may not …".
    summary: str


def _actions(*items: tuple[str, bool, str]) -> dict[str, Action]:
    return {name: Action(name, writes, summary) for name, writes, summary in items}


ACTIONS: dict[str, Action] = _actions(
    # writes
    ("ingest", True, "ingest source files"),
    ("normalize", True, "normalize records"),
    ("link", True, "link records into persons"),
    ("load-clusters", True, "load a clustering"),
    ("judge", True, "record a judgement about a pair of records"),
    ("withdraw-judgement", True, "withdraw a judgement"),
    ("import-judgements", True, "import judgements"),
    ("set-source-group", True, "change a source's independence group"),
    ("set-source-kind", True, "change a source's kind"),
    ("confirm-unit-alias", True, "confirm a unit alias"),
    ("put-shared-file", True, "change a shared file (grading rules, unit aliases, pack)"),
    ("refresh", True, "refresh the stored person views and the search index"),
    ("split-record", True, "split a record out of a person"),
    ("merge-persons", True, "merge two persons"),
    ("run-job", True, "run an ingest, normalize and link job"),
    # reads
    ("status", False, "see the workspace's counts"),
    ("doctor", False, "check the whole store"),
    ("sources", False, "list the sources"),
    ("rejects", False, "list the rejected rows"),
    ("events", False, "read the event log"),
    ("export-records", False, "export records"),
    ("export-persons", False, "export persons"),
    ("explain-record", False, "explain a record's normalized fields"),
    ("explain-pair", False, "explain a pair's match score"),
    ("review-queue", False, "see the review queue"),
    ("judgements", False, "list the judgements"),
    ("person", False, "see a person"),
    ("search", False, "search persons by name"),
    ("grades", False, "count persons by grade"),
    ("history", False, "see status transitions"),
    ("unit", False, "see a unit's dossier"),
    ("region", False, "see a region's dossier"),
    ("unit-aliases", False, "see unit aliases"),
    ("concealment", False, "see the concealment report"),
    ("estimate", False, "estimate from the workspace"),
    ("nowcast", False, "nowcast from the workspace"),
    ("report", False, "write the HTML report"),
    ("shared-file", False, "read a shared file"),
)
