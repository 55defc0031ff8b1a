"""Headless Chromium for the browser tests: Debian's ``chromium``, driven by Playwright (no
browser download). ``scripts/system-deps.sh`` installs it; a test module takes the fixture
with ``from tests.browser import browser``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module's tests."""
    if CHROMIUM is None:
        pytest.fail(
            "headless Chromium is not installed: run 'bash scripts/system-deps.sh'", pytrace=False
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
