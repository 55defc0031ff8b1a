"""``unaccounted publish``: exactly the published persons, no protected value anywhere,
every name escaped, and only into an empty folder or over an earlier site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.publish.world import MARKERS, PUBLISHED, XSS
from unaccounted.cli import app
from unaccounted.errors import InputError
from unaccounted.service import PermissionDenied, RolePermissions, Session
from unaccounted.service import publication as pub

ROLES = RolePermissions({"vera": "viewer", "rita": "reviewer", "ed": "editor"})
PREFIX = "window.MEMORIAL_INDEX = "


def read_index(site: Path) -> list[dict[str, Any]]:
    text = (site / "index.js").read_text("utf-8")
    assert text.startswith(PREFIX) and text.endswith(";\n")
    persons: list[dict[str, Any]] = json.loads(text[len(PREFIX) : -2])["persons"]
    return persons


def every_file(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def publish(workspace: Path, out: Path, actor: str = "ed", **kw: Any) -> dict[str, Any]:
    with Session.open(workspace, actor, permissions=ROLES) as s:
        return pub.publish(s, out, **kw)


def test_the_site_holds_exactly_the_published_persons(workspace: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    d = publish(workspace, site, lang="en", title="Test memorial")
    assert (d["persons"], d["left_out"]) == (4, 0)
    pages = sorted(p.name for p in (site / "persons").iterdir())
    assert pages == [f"{p}.html" for p in sorted(PUBLISHED)]
    assert sorted(e["u"] for e in read_index(site)) == [f"persons/{p}.html" for p in
                                                        sorted(PUBLISHED)]  # fmt: skip
    names = [p.relative_to(site).as_posix() for p in every_file(site)]
    assert sorted(names) == sorted([".unaccounted-publish", "about.html", "index.html",
                                    "index.js", "search.js", "style.css",
                                    *(f"persons/{p}.html" for p in PUBLISHED)])  # fmt: skip
    assert (d["files"], d["bytes"]) == (9, sum(p.stat().st_size for p in every_file(site)) -
                                        (site / ".unaccounted-publish").stat().st_size)  # fmt: skip
    p1 = (site / "persons" / "P1.html").read_text("utf-8")
    # the name as the official source wrote it; the date and the status from open sources;
    # grade over every source; two open sources (the confidential roster is not counted)
    facts = (
        "<h1>Иванов Иван Иванович</h1>", "<dd>2023-05-01</dd>", "<dd>killed</dd>",
        "<dd>102 ОМСБр</dd>", "<dd>Курская обл.</dd>", "<dd>confirmed</dd>",
        "<dt>Sources</dt><dd>2</dd>", "<title>Иванов Иван Иванович — Test memorial",
    )  # fmt: skip
    for fact in facts:
        assert fact in p1, fact
    about = (site / "about.html").read_text("utf-8")
    assert "<dt>Lowest grade published</dt><dd>probable</dd>" in about
    with Session.open(workspace, "ed") as s:
        done = [e for e in s.store.events() if e["command"] == "publish"]
    assert [(e["actor"], e["outcome"]) for e in done] == [("ed", "ok")]
    assert json.loads(done[0]["counts"])["persons"] == 4
    assert json.loads(done[0]["args"])["out"] == "../site"  # relative, as every event's paths
    for path in every_file(site):  # nor does the site name any folder of this machine
        assert str(tmp_path).encode() not in path.read_bytes()


def test_no_protected_value_and_nothing_confidential_anywhere(
    workspace: Path, tmp_path: Path
) -> None:
    # publish everyone who can be shown: the confidential-only person has nothing to show
    with Session.open(workspace, "ed") as s:
        pub.set_rule(s, min_grade="rejected", exclude_protected_only=False)
    site = tmp_path / "site"
    d = publish(workspace, site)
    assert (d["persons"], d["left_out"]) == (6, 1)  # P6 is known only from the roster
    assert not (site / "persons" / "P6.html").exists()
    for path in every_file(site):
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker.encode("utf-8") not in data, (marker, path.name)


def test_every_name_is_escaped(workspace: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(workspace, site)
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Волков Артём"
    assert f"<h1>{escaped}</h1>" in (site / "persons" / "P7.html").read_text("utf-8")
    assert escaped in (site / "index.html").read_text("utf-8")
    for path in every_file(site):
        if path.suffix == ".html":
            assert (
                XSS.encode() not in path.read_bytes() and b"<script>alert" not in path.read_bytes()
            )
    # the index is JavaScript: the name is a string, with no "</script>" to end a script
    assert "</" not in (site / "index.js").read_text("utf-8")
    assert [e["n"] for e in read_index(site) if e["u"] == "persons/P7.html"] == [
        f"{XSS} Волков Артём"]  # fmt: skip


def test_only_into_an_empty_folder_or_over_an_earlier_site(workspace: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", "utf-8")
    r = CliRunner().invoke(app, ["--workspace", str(workspace), "publish", "--out", str(busy)])
    assert isinstance(r.exception, InputError)
    assert str(r.exception) == (f"{busy} is not empty and holds no earlier memorial site; "
                                "choose an empty or new --out")  # fmt: skip
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    site = tmp_path / "site"
    publish(workspace, site)
    with Session.open(workspace, "ed") as s:
        pub.set_rule(s, exclude=[("P2", "the family asked")])
    publish(workspace, site)  # over the earlier site: P2's page goes
    assert sorted(p.name for p in (site / "persons").iterdir()) == ["P1.html", "P4.html",
                                                                   "P7.html"]  # fmt: skip
    assert "Петров" not in (site / "index.js").read_text("utf-8")
    with pytest.raises(InputError, match="unknown language 'de'"):
        publish(workspace, tmp_path / "de", lang="de")


def test_only_an_editor_publishes(workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied, match="rita may not publish the memorial site"):
        publish(workspace, tmp_path / "site", actor="rita")
    assert not (tmp_path / "site").exists()


def test_the_command_line(workspace: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    r = CliRunner().invoke(app, ["--workspace", str(workspace), "--as", "ed", "publish",
                                 "--out", str(site), "--title", "Память"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == str(site / "index.html")
    assert "wrote 4 persons, 9 files" in r.stderr
    assert "<title>Память</title>" in (site / "index.html").read_text("utf-8")
    assert '<html lang="ru">' in (site / "about.html").read_text("utf-8")
