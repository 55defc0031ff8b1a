"""Reading the files ``unaccounted evaluate`` compares (CSV and JSON), with one-line errors."""

from __future__ import annotations

import csv
import json
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return [h.strip().lower() for h in reader.fieldnames or []], rows
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def read_clusters(
    truth_path: Path, pred_path: Path
) -> tuple[dict[Hashable, str], dict[Hashable, str]]:
    """Both partitions keyed alike: by ``(source, record_id)`` when both files carry a
    ``source`` column or record ids repeat across sources, else by ``record_id``."""
    t_head, t_rows = _rows(truth_path)
    p_head, p_rows = _rows(pred_path)
    for path, head in ((truth_path, t_head), (pred_path, p_head)):
        if "record_id" not in head or "person_id" not in head:
            raise InputError(
                f"{path}: needs record_id and person_id columns (has {', '.join(head)})"
            )

    def norm(row: dict[str, str]) -> dict[str, str]:
        return {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}

    t_rows = [norm(r) for r in t_rows]
    p_rows = [norm(r) for r in p_rows]
    both = "source" in t_head and "source" in p_head
    if not both and "source" in t_head:
        ids = [r["record_id"] for r in t_rows]
        if len(set(ids)) != len(ids):
            raise InputError(
                f"{truth_path}: record ids repeat across sources; give {pred_path} a source column"
            )
    truth: dict[Hashable, str] = {}
    pred: dict[Hashable, str] = {}
    for rows, out in ((t_rows, truth), (p_rows, pred)):
        for r in rows:
            key: Hashable = (r["source"], r["record_id"]) if both else r["record_id"]
            out[key] = r["person_id"]
    return truth, pred


def read_truth_counts(path: Path) -> dict[str, float]:
    """``stratum → true count`` from JSON (a mapping, or a bare number for ``all``) or a
    two-column CSV (stratum, count)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if path.suffix.lower() == ".csv":
        rows = list(csv.reader(text.splitlines()))
        try:
            return {r[0].strip(): float(r[1]) for r in rows[1:] if len(r) >= 2}
        except ValueError as exc:
            raise InputError(f"{path}: the second column must be a number ({exc})") from exc
    data = _json(path, text)
    if isinstance(data, int | float):
        return {"all": float(data)}
    if isinstance(data, dict) and all(isinstance(v, int | float) for v in data.values()):
        return {str(k): float(v) for k, v in data.items()}
    raise InputError(f"{path}: expected a number or a mapping of stratum to number")


def read_results(path: Path) -> list[dict[str, Any]]:
    """The objects of ``estimate --json`` / ``nowcast --json`` output (one or a list)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    data = _json(path, text)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(x, dict) for x in items):
        raise InputError(f"{path}: expected a JSON object or a list of objects")
    return items


def _json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
