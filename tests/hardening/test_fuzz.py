"""Malformed CSV, JSON, JSON Lines and XLSX fed to ingest: never a traceback, every row
accounted for, and the store unchanged when a file is refused.

Hypothesis generates the files (derandomized, so every run tries the same ones); the four
formats share a budget of about a minute on one core.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unaccounted.errors import UnaccountedError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.pipeline import OUTCOMES
from unaccounted.workspace import Workspace

pytestmark = pytest.mark.slow

#: Store counts a refused ingest must leave as they were (events keep the failure).
KEPT = ("sources", "records", "rejects", "record_versions", "files")
REJECT_CODES = ("no_name", "duplicate", "conflicting_id", "ragged", "invalid_json",
                "not_an_object")  # fmt: skip

#: Files (by SHA-256) already ingested into the shared workspace.
SEEN: set[str] = set()

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text with the characters that break parsers: quotes, separators, controls, bidi, BOM.
nasty = st.text(
    st.one_of(
        st.sampled_from(list(",;\t|\"'\n\r\x00\x1b\u202e\ufeff[]{}:=+-@\\ ")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
headers = st.lists(
    st.sampled_from(["full_name", "record_id", "unit", "status", "", "Full_Name", "x"]),
    min_size=1,
    max_size=5,
)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace.init(tmp_path_factory.mktemp("fuzz") / "ws")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("files")


def _counts(ws: Workspace) -> dict[str, int]:
    with ws.store(read_only=True) as store:
        counts = store.counts()
    return {k: counts[k] for k in KEPT}


def _ingest(ws: Workspace, path: Path) -> None:
    """Ingest ``path`` and check the contract whatever happens."""
    before = _counts(ws)
    try:
        report = ingest_files(ws, [path], IngestOptions(source="fuzz", kind="other"))
    except UnaccountedError as exc:
        assert "\n" not in str(exc), str(exc)  # one line for the user
        assert _counts(ws) == before  # refused: nothing stored
        return
    after = _counts(ws)
    sha = report.files[0]["sha256"]
    first_time = sha not in SEEN  # a file ingested again stores its rejects only once
    SEEN.add(str(sha))
    for part in report.parts:
        c = part.counts
        # Every row read is an outcome or a reject with its reason; nothing is lost.
        assert c["rows"] == sum(c[k] for k in (*OUTCOMES, *REJECT_CODES)), dict(c)
    totals = report.totals
    assert after["record_versions"] - before["record_versions"] == totals["new"] + totals["version"]
    assert after["rejects"] - before["rejects"] == (report.rejected if first_time else 0)


@FUZZ
@given(
    head=headers,
    rows=st.lists(st.lists(nasty, max_size=6), max_size=8),
    raw=st.binary(max_size=60),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1251", "raw"]),
)
def test_csv(ws: Workspace, folder: Path, head: list[str], rows: list[list[str]], raw: bytes,
             delimiter: str, encoding: str) -> None:  # fmt: skip
    text = "\n".join(delimiter.join(r) for r in [head, *rows])
    data = raw if encoding == "raw" else text.encode(encoding, errors="replace") + raw[:5]
    path = folder / "fuzz.csv"
    path.write_bytes(data)
    _ingest(ws, path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty, inner, max_size=4),
    max_leaves=12,
)
json_rows = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(["full_name", "unit", "k"]), json_values), json_values
    ),
    max_size=8,
)


@FUZZ
@given(rows=json_rows, cut=st.integers(0, 400), junk=nasty, lines=st.booleans())
def test_json_and_json_lines(ws: Workspace, folder: Path, rows: list[Any], cut: int, junk: str,
                             lines: bool) -> None:  # fmt: skip
    if lines:
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n" + junk
        path = folder / "fuzz.jsonl"
    else:
        text = json.dumps(rows, ensure_ascii=False)
        text = text[: len(text) - cut % max(len(text), 1)] + junk  # truncated, with junk
        path = folder / "fuzz.json"
    path.write_text(text, "utf-8", errors="surrogatepass")
    _ingest(ws, path)


def _xlsx(cells: list[list[Any]]) -> bytes:
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in cells:
        try:
            sheet.append(row)
        except IllegalCharacterError:
            sheet.append([str(v).encode("unicode_escape").decode() for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _damage(data: bytes, member: str, offset: int, junk: bytes) -> bytes:
    """Rewrite one member of the workbook with ``junk`` spliced in at ``offset``."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    name = sorted(members)[int.from_bytes(member.encode()[:1] or b"\0") % len(members)]
    body = members[name]
    at = offset % (len(body) + 1)
    members[name] = body[:at] + junk + body[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for n, b in members.items():
            dst.writestr(n, b)
    return out.getvalue()


cells = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), nasty)


@FUZZ
@given(
    rows=st.lists(st.lists(cells, max_size=5), max_size=6),
    how=st.sampled_from(["whole", "truncated", "member", "bytes"]),
    offset=st.integers(0, 10_000),
    junk=st.binary(max_size=30),
    member=nasty,
)
def test_xlsx(ws: Workspace, folder: Path, rows: list[list[Any]], how: str, offset: int,
              junk: bytes, member: str) -> None:  # fmt: skip
    data = _xlsx([["full_name", "unit"], *rows])
    if how == "truncated":
        data = data[: offset % len(data)]
    elif how == "member":
        data = _damage(data, member, offset, junk)
    elif how == "bytes":
        at = offset % len(data)
        data = data[:at] + junk + data[at + len(junk) :]
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    _ingest(ws, path)
