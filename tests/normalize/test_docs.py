"""docs/normalize.md describes every normalized field and every status."""

from __future__ import annotations

from pathlib import Path

from unaccounted.normalize.record import FIELDS
from unaccounted.normalize.statuses import STATUSES

DOC = Path(__file__).resolve().parents[2] / "docs" / "normalize.md"


def test_every_normalized_field_is_documented() -> None:
    text = DOC.read_text("utf-8")
    assert not [f for f in FIELDS if f"`{f}`" not in text]


def test_every_status_is_documented() -> None:
    text = DOC.read_text("utf-8")
    assert not [s for s in STATUSES if f"`{s}`" not in text]
