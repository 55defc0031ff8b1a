"""An editor's upload: the file (and its mapping) kept in the workspace's ``uploads/``."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import UploadFile

from unaccounted.errors import InputError
from unaccounted.service.ingest import SOURCE_KINDS, IngestOptions, load_mapping

if TYPE_CHECKING:
    from unaccounted.web.app import Web


def _safe_name(name: str | None) -> str:
    """The file's own name without folders or characters a file system may refuse."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    if not cleaned:
        raise InputError("the uploaded file has no name")
    return cleaned


def _save(upload: UploadFile, folder: Path) -> Path:
    path = folder / _safe_name(upload.filename)
    with path.open("wb") as fh:
        shutil.copyfileobj(upload.file, fh)
    return path


def job_inputs(
    web: Web, file: UploadFile, mapping: UploadFile | None, source: str | None,
    kind: str | None,
) -> tuple[list[Path], IngestOptions]:  # fmt: skip
    """Save the upload and read its mapping; a bad mapping or kind is a one-line error."""
    if kind and kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind '{kind}'; use one of: {', '.join(SOURCE_KINDS)}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = web.uploads / stamp
    folder.mkdir(parents=True, exist_ok=True)
    data = _save(file, folder)
    rules = None
    if mapping is not None and mapping.filename:
        rules = load_mapping(_save(mapping, folder))
    options = IngestOptions(source=(source or "").strip() or None, kind=kind or None,
                            mapping=rules)  # fmt: skip
    return [data], options
