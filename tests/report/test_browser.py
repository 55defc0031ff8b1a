"""The HTML report in a real headless browser: a screenshot, and the numbers it renders.

Chromium comes from Debian's ``chromium`` package (``scripts/system-deps.sh``, run by
``make test`` and CI); it is never downloaded by a test tool. Without it this test fails
(it is part of the acceptance of the report), naming the script that installs it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.report.conftest import Rendered
from tests.report.test_html import counts

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTH, HEIGHT = 1280, 2000


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "headless Chromium is not installed: run 'bash scripts/system-deps.sh' "
            "(or 'make system-deps'; Debian package 'chromium')",
            pytrace=False,
        )
    return found


def run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def png_facts(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the decoded pixel rows)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # IHDR comes first
    idat, i = b"", 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        if kind == b"IDAT":
            idat += data[i + 8 : i + 8 + length]
        i += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def test_screenshot_of_the_report(rendered: Rendered, tmp_path: Path) -> None:
    index = rendered.out / "index.html"
    shot = tmp_path / "report-screenshot.png"
    run_chromium(
        tmp_path / "profile",
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{HEIGHT}",
        index.as_uri(),
    )
    assert shot.exists(), "chromium wrote no screenshot"
    width, height, distinct = png_facts(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    # A blank page compresses to a few KB of one colour; the report has text and charts.
    assert shot.stat().st_size > 50_000
    assert distinct > 100
    print(f"screenshot: {shot}")


def test_the_browser_renders_the_stores_numbers(rendered: Rendered, tmp_path: Path) -> None:
    for page in ("index.html", "concealment.html"):
        source = counts((rendered.out / page).read_text("utf-8"))
        dom = run_chromium(tmp_path / "profile", "--dump-dom", (rendered.out / page).as_uri())
        # The DOM the browser built holds every count the file holds, with the same value.
        assert counts(dom.stdout) == source
        assert "<svg" in dom.stdout
