"""Passages: character ranges with their own level; what is not public reads
[protected] until a reviewer asks, and a confidential passage seals the original."""

from __future__ import annotations

import pytest

from tests.testimonies.conftest import INTERVIEW, REPORT, ROLES, add, editor
from unaccounted.errors import InputError
from unaccounted.service import PermissionDenied, Session
from unaccounted.service import testimonies as service
from unaccounted.testimony.text import levels_of, shown_text
from unaccounted.workspace import Workspace

TEXT = REPORT.decode()


def test_levels_later_marks_decide_and_runs_collapse() -> None:
    marks = [{"start": 2, "end": 6, "level": "confidential"},
             {"start": 4, "end": 5, "level": "public"}]  # fmt: skip
    assert levels_of(8, "public", marks) == ["public", "public", "confidential",
        "confidential", "public", "confidential", "public", "public"]  # fmt: skip
    assert shown_text("abcdefgh", levels_of(8, "public", marks)) == "ab[protected]e[protected]gh"
    # a confidential testimony with one public passage shows that passage only
    assert shown_text("abcdefgh", levels_of(8, "confidential", [marks[1]])) == (
        "[protected]e[protected]")  # fmt: skip


def test_a_restricted_passage_of_a_public_report(ws: Workspace) -> None:
    add(ws.root, REPORT, kind="media_report", source="gazette")
    start = TEXT.index("Один из них")
    with editor(ws.root) as s:
        r = service.mark_passage(s, "T-1", f"{start}:{len(TEXT) - 1}", "restricted")
    assert (r["level"], r["sealed_original"]) == ("restricted", False)
    with Session.open(ws.root, "rita", permissions=ROLES) as s:
        shown = service.show_testimony(s, "T-1")
        opened = service.show_testimony(s, "T-1", protected=True)
    assert shown["text"] == TEXT[:start] + "[protected]\n"
    assert shown["withheld"] == len(TEXT) - 1 - start
    assert opened["text"] == TEXT and opened["withheld"] == 0


def test_a_confidential_passage_seals_the_original(ws: Workspace) -> None:
    add(ws.root, REPORT, kind="media_report", source="gazette")
    with editor(ws.root) as s:
        r = service.mark_passage(s, "T-1", "0:20", "confidential")
        clear, sealed = s.store.testimony_original("T-1")
        again = service.testimony_original(s, "T-1")["data"]
    assert r["sealed_original"] is True and clear is None and sealed is not None
    assert again == REPORT  # the same bytes, its hash still holds


def test_a_confidential_interview_opens_only_on_request(ws: Workspace) -> None:
    add(ws.root, INTERVIEW)
    with editor(ws.root) as s:
        service.mark_passage(s, "T-1", "0:14", "public")  # «Меня задержали»: quotable
    with Session.open(ws.root, "rita", permissions=ROLES) as s:
        assert service.show_testimony(s, "T-1")["text"] == "Меня задержали[protected]"
    vera = Session.open(ws.root, "vera", permissions=ROLES)
    with vera as s, pytest.raises(PermissionDenied, match="vera may not see testimonies"):
        service.show_testimony(s, "T-1", protected=True)


@pytest.mark.parametrize(
    ("passage", "message"),
    [("5:5", "passage 5:5 is not a range inside the text"),
     ("0:100000", "passage 0:100000 is not a range inside the text"),
     ("a:b", "passage 'a:b' is not START:END"),
     ("-1:4", "passage '-1:4' is not START:END")],
)  # fmt: skip
def test_bad_passages_are_one_line(ws: Workspace, passage: str, message: str) -> None:
    add(ws.root, REPORT, kind="media_report", source="gazette")
    with editor(ws.root) as s:
        service.add_incident(s, "torture")
        with pytest.raises(InputError, match=message):
            service.mark_passage(s, "T-1", passage, "public")
        with pytest.raises(InputError, match=message):
            service.link(s, "I-1", "T-1", passage)
