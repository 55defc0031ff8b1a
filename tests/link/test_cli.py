"""The link commands through the CLI: link, review, judgements, explain-pair, person."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.workspace import Workspace


def invoke(ws: Workspace, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--workspace", str(ws.root), *args], input=input)
    return result.exit_code, result.output


@pytest.mark.slow
def test_link_review_and_judgements_from_the_terminal(linked_ws: Workspace) -> None:
    code, output = invoke(linked_ws, "link", "--json")
    assert code == 0, output
    summary = json.loads(output[output.index("{") : output.rindex("}") + 1])
    assert summary["records"] > 0 and summary["persons"] <= summary["records"]
    cfg = linked_ws.settings.link
    with linked_ws.store(read_only=True) as store:
        waiting = store.review_queue(cfg.review_low, cfg.review_high, 100)
    if not waiting:
        pytest.skip("this world left no pair in the review band")
    first = waiting[0]
    code, output = invoke(linked_ws, "review", "--limit", "2", input="different\nquit\n")
    assert code == 0, output
    assert "same / different / unsure / skip / quit" in output
    code, output = invoke(linked_ws, "judgements", "list", "--json")
    stored = json.loads(output)
    assert len(stored) == 1
    assert (stored[0]["record_id_l"], stored[0]["record_id_r"], stored[0]["decision"]) == (
        first["record_id_l"], first["record_id_r"], "different")  # fmt: skip
    # the score the pair had when it was judged is kept with the judgement
    assert stored[0]["score"] == pytest.approx(first["match_probability"])
    a = f"{first['source_id_l']}:{first['record_id_l']}"
    b = f"{first['source_id_r']}:{first['record_id_r']}"
    code, output = invoke(linked_ws, "explain-pair", a, b)
    assert code == 0 and "match weight" in output and "surname" in output


@pytest.mark.slow
def test_person_shows_records_links_and_follows_no_unknown_id(linked_ws: Workspace) -> None:
    invoke(linked_ws, "link")
    code, output = invoke(linked_ws, "person", "P-000001", "--json")
    assert code == 0, output
    view = json.loads(output)
    assert view["person_id"] == "P-000001" and view["linkage"]["records"]
