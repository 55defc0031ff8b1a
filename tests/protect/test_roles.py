"""Who sees protected values: redacted for every role unless asked; asked, only reviewers
and up, each view an audited event naming what was seen (never the value)."""

from __future__ import annotations

import json

import pytest

from tests.protect.conftest import SECRETS
from unaccounted.protect import REDACTED
from unaccounted.service import PermissionDenied, RolePermissions, Session, protection, publication
from unaccounted.service import persons as persons_service
from unaccounted.service import review as review_service
from unaccounted.workspace import Workspace

ROLES = RolePermissions({"vera": "viewer", "rita": "reviewer", "ed": "editor"})


def publish_all(world: Workspace) -> None:
    """A viewer sees published persons only: an editor publishes P1 and P2."""
    with Session.open(world.root, "ed", permissions=ROLES) as s:
        publication.set_rule(s, include=[("P1", "checked"), ("P2", "checked")])


def test_a_viewer_sees_protected_values_redacted_and_cannot_ask(world: Workspace) -> None:
    publish_all(world)
    with Session.open(world.root, "vera", permissions=ROLES) as s:
        view = persons_service.person(s, "P1")
        with pytest.raises(PermissionDenied, match="vera may not see protected fields"):
            persons_service.person(s, "P1", protected=True)
        # reveal() itself redacts for a role without view-protected
        token = s.store.source_record_cells("open_list")[0]["url"]
        assert protection.reveal(s, token) == REDACTED
    text = json.dumps(view, ensure_ascii=False)
    assert REDACTED in text and SECRETS["quote"] not in text
    with Session.open(world.root) as s:
        assert [e for e in s.store.events() if e["command"] == "view-protected"] == []


def test_a_reviewer_who_asks_sees_them_and_the_view_is_audited(world: Workspace) -> None:
    with Session.open(world.root, "rita", permissions=ROLES) as s:
        shown = persons_service.person(s, "P1")
        opened = persons_service.person(s, "P1", protected=True)
    assert SECRETS["quote"] not in json.dumps(shown, ensure_ascii=False)
    text = json.dumps(opened, ensure_ascii=False)
    assert SECRETS["quote"] in text and SECRETS["place"] in text and REDACTED not in text
    with Session.open(world.root) as s:
        (event,) = [e for e in s.store.events() if e["command"] == "view-protected"]
    assert event["actor"] == "rita"
    assert json.loads(event["args"]) == {"what": "person P1"}
    assert all(v not in json.dumps(event, default=str) for v in SECRETS.values())


def test_review_pairs_and_rejects_show_redacted_values(world: Workspace) -> None:
    with Session.open(world.root, "rita", permissions=ROLES) as s:
        raw = review_service.raw_record(s, "open_list", "o1")
    assert (raw["url"], raw["quote"]) == (REDACTED, REDACTED)
    with Session.open(world.root, "ed", permissions=ROLES) as s:
        from unaccounted.service import workspace as workspace_service

        (reject,) = workspace_service.rejects(s)
    raw = json.loads(reject["raw"])
    assert (raw["contact"], raw["birth_date"]) == (REDACTED, "1980")


def test_dossiers_are_redacted(world: Workspace) -> None:
    publish_all(world)
    with Session.open(world.root, "vera", permissions=ROLES) as s:
        views = list(persons_service.views(s, "person"))
    assert {v.person_id for v in views} == {"P1", "P2"}
    assert persons_service.protection.redact({"x": views[0].as_dict()})["x"]["person_id"] == "P1"


def test_confidential_only_persons(world: Workspace) -> None:
    with Session.open(world.root, "ed") as s:
        assert protection.confidential_only_persons(s) == []  # P1 has an open record too
        persons_service.load_clusters(
            s, [("P1", "open_list", "o1"), ("P3", "witness_notes", "c1"),
                ("P2", "open_list", "o2")], "again.csv")  # fmt: skip
        assert protection.confidential_only_persons(s) == ["P3"]
