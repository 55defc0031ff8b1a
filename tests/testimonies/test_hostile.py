"""Hostile input: each refused in one line, nothing stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_subprocess
from tests.testimonies.conftest import REPORT, add, editor
from unaccounted.errors import InputError
from unaccounted.service import Session, accounts
from unaccounted.service import testimonies as service
from unaccounted.testimony.text import MAX_BYTES
from unaccounted.workspace import Workspace


@pytest.mark.parametrize(
    ("data", "facts", "message"),
    [
        (b"", {}, "the testimony is empty"),
        (b"\xff\xfe\x00a", {}, r"the testimony is not UTF-8 text \(byte 0\)"),
        ("Били\x1b[2Jкаждый".encode(), {},
         r"holds a control character \(U\+001B\) at character 4; a testimony is text"),
        (b"a\x00b", {}, r"control character \(U\+0000\) at character 1"),
        (REPORT, {"date": "2024-13-01"}, "the date '2024-13-01' is not a date"),
        (REPORT, {"date": "вчера"}, "the date 'вчера' is not a date"),
        (REPORT, {"language": "russian"}, "language 'russian' is not an ISO 639 code"),
        (REPORT, {"kind": "rumour"}, "unknown testimony kind 'rumour'"),
        (REPORT, {"source": "  "}, "the source is empty"),
        (REPORT, {"source": "a\nb"}, "the source has control characters or line breaks"),
        (REPORT, {"witness": "x" * 301}, "the witness's name is longer than 300 characters"),
        (REPORT, {"level": "secret"}, "unknown level 'secret'"),
    ],
)  # fmt: skip
def test_bad_intake_is_refused_and_nothing_stored(
    ws: Workspace, data: bytes, facts: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        add(ws.root, data, **facts)
    with editor(ws.root) as s:
        assert s.store.testimonies() == []


def test_a_huge_file_is_refused_before_it_is_read(ws: Workspace, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing to read
    with editor(ws.root) as s, pytest.raises(InputError, match="a testimony may be at most"):
        service.add_testimony_file(s, huge, kind="interview", source="a", language="ru")


def test_incident_dates_and_coordinates(ws: Workspace) -> None:
    with editor(ws.root) as s:
        with pytest.raises(InputError, match="--from '2024-02-30' is not a date"):
            service.add_incident(s, "torture", start="2024-02-30")
        with pytest.raises(InputError, match="--to needs --from"):
            service.add_incident(s, "torture", end="2024-02")
        with pytest.raises(InputError, match="latitude 91.0 is outside -90..90"):
            service.add_place(s, "Нигде", 91.0, 0.0)
        with pytest.raises(InputError, match="give both --lat and --lon"):
            service.add_place(s, "Нигде", 10.0)


def test_the_cli_round_trip(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(REPORT)
    steps = [
        ("testimony", "add", str(path), "--kind", "written-statement", "--source", "letter",
         "--date", "2024-05", "--language", "ru", "--witness", "Некто Выдуманный"),
        ("places", "add", "Тихая Заводь", "--lat", "47.25", "--lon", "38.5"),
        ("incident", "add", "--type", "forced signature", "--from", "2024-04", "--place",
         "тихая заводь"),
        ("incident", "link", "I-1", "T-1", "--passage", "0:40"),
        ("incident", "involve", "I-1", "--role", "perpetrator", "--unit", "25 ОМСБр"),
    ]  # fmt: skip
    for step in steps:
        r = cli(*step)
        assert r.exit_code == 0, r.output
    r = cli("incident", "list")
    assert r.stdout.splitlines() == [
        "I-1  forced_signature  2024-04  Тихая Заводь  unverified  testimonies: 1  involved: 1"
    ]
    r = cli("incident", "involve", "I-1", "--role", "witness", "--actor", "Некто Другой")
    assert r.output.strip() == "involvement 2"
    assert "  perpetrator: 25 ОМСБр (omsbr:25)  (involvement 1)" in cli(
        "incident", "show", "I-1").stdout.splitlines()  # fmt: skip
    with pytest.raises(InputError, match="no involvement '7' in incident I-1"):
        cli("incident", "uninvolve", "I-1", "7")
    r = cli("incident", "uninvolve", "I-1", "2")  # a sealed witness: never named
    assert r.exit_code == 0 and r.output.strip() == "removed involvement 2: witness a sealed actor"
    assert "involved: 1" in cli("incident", "list").stdout
    r = cli("testimony", "show", "T-1", "--json")
    assert json.loads(r.stdout)["file_name"] == "statement.txt"  # kept: not confidential
    r = cli("testimony", "show", "T-1")
    assert r.stdout.splitlines()[-1] == "[protected]"  # a written statement is restricted
    r = cli("testimony", "verify", "T-1", str(path))
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == f"{path} is testimony T-1's original"
    copy = tmp_path / "copy.txt"
    r = cli("testimony", "original", "T-1", "--out", str(copy))
    assert r.exit_code == 0 and copy.read_bytes() == REPORT
    with pytest.raises(InputError, match="exists"):  # never replaced without --force
        cli("testimony", "original", "T-1", "--out", str(copy))
    path.write_bytes(REPORT + b" ")
    r = cli("testimony", "verify", "T-1", str(path))
    assert r.exit_code == 1 and "is NOT testimony T-1's original" in r.stdout
    assert r.stdout.startswith("the stored original of T-1 matches its intake hash")


@pytest.mark.slow
def test_refusals_are_one_line_with_exit_2(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"ok\x07")
    base = ("--workspace", str(ws.root))
    r = run_subprocess(*base, "testimony", "add", str(path), "--kind", "interview",
                       "--source", "s", "--language", "ru")  # fmt: skip
    assert (r.returncode, r.stderr.strip().splitlines()) == (
        2, [f"error: {path} holds a control character (U+0007) at character 2; a testimony "
            "is text"])  # fmt: skip
    with Session.open(ws.root, "admin") as s:
        accounts.add_user(s, "admin", "admin", "correct horse battery")
        accounts.add_user(s, "vera", "viewer", "correct horse battery")
    r = run_subprocess(*base, "--as", "vera", "incident", "list")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith("error: vera may not see incidents")
