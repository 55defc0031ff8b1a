"""The labelled sets: names exactly right on at least 98%, dates on at least 99%.

``data/names.csv`` and ``data/dates.csv`` are made up and composed by
``data/make_labels.py`` (expected parses come from the composition, not from the
normalizer); ``data/*_hand.csv`` are hard cases written by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from unaccounted.normalize.dates import DateParser
from unaccounted.normalize.pack import load_pack

DATA = Path(__file__).parent / "data"
NAME_FIELDS = ("surname", "given_name", "patronymic", "given_initial", "patronymic_initial")


def _rows(*names: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in names:
        with (DATA / name).open(encoding="utf-8") as f:
            rows.extend(csv.DictReader(f))
    return rows


def test_names_are_parsed_exactly_on_at_least_98_percent() -> None:
    pack = load_pack("ru")
    rows = _rows("names_hand.csv", "names.csv")
    assert len(rows) >= 500
    failures = []
    for row in rows:
        got = pack.parse_name(row["text"])
        values = {f: getattr(got, f) or "" for f in NAME_FIELDS}
        expected = {f: row[f] for f in NAME_FIELDS}
        if values != expected:
            failures.append(f"{row['text']!r}: expected {expected}, got {values}")
    print(f"names: {len(rows) - len(failures)}/{len(rows)} exact")
    print("\n".join(failures))
    assert (len(rows) - len(failures)) / len(rows) >= 0.98


def test_dates_are_parsed_exactly_on_at_least_99_percent() -> None:
    parser = DateParser(load_pack("ru").data)
    rows = _rows("dates_hand.csv", "dates.csv")
    assert len(rows) >= 300
    failures = []
    for row in rows:
        ref = dt.date.fromisoformat(row["ref"]) if row["ref"] else None
        got = parser.parse(row["text"], ref)
        values = (got.lo.isoformat(), got.hi.isoformat(), got.precision) if got else None
        expected = (row["lo"], row["hi"], row["precision"])
        if values != expected:
            failures.append(f"{row['text']!r} (ref {row['ref']}): {expected}, got {values}")
    print(f"dates: {len(rows) - len(failures)}/{len(rows)} exact")
    print("\n".join(failures))
    assert (len(rows) - len(failures)) / len(rows) >= 0.99
