"""An editor's upload: the file (and its mapping) kept in the workspace's ``uploads/`` for a
job; an import's only while it is read (its originals are then in the store)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import UploadFile

from unaccounted.errors import InputError
from unaccounted.service import testimony_io
from unaccounted.service.ingest import SOURCE_KINDS, IngestOptions, load_mapping
from unaccounted.service.session import Session

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


@contextmanager
def saved_upload(
    web: Web, file: UploadFile, mapping: UploadFile | None
) -> Iterator[tuple[Path, Path | None]]:
    """The uploaded file (and mapping) saved in a folder of their own under ``uploads/``,
    removed afterwards whatever happens."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = web.uploads / f"import-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        data = _save(file, folder)
        rules = _save(mapping, folder) if mapping is not None and mapping.filename else None
        yield data, rules
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def imported(
    s: Session, path: Path, fmt: str | None, mapping: Path | None, name: str | None
) -> dict[str, Any]:
    """``testimony import`` of a saved upload; its messages and result name the file as
    uploaded, not where the server kept it."""
    shown = _safe_name(name)
    try:
        result = testimony_io.import_testimonies(s, path, fmt, mapping)
    except InputError as exc:
        message = str(exc).replace(str(path), shown).replace(str(path.parent), "the upload")
        raise InputError(message) from None
    return {**result, "file": shown}
