"""The report's folder: rewrite only what an earlier report wrote, never a user's file.

Each run leaves a manifest, ``.unaccounted-report``, listing every file it wrote with
its SHA-256. The next run into the same folder:

- writes a file freely where nothing is, and replaces a file only when the manifest
  lists it and its content is still what the report wrote — a file a user put there or
  edited is refused with a one-line error unless ``force`` (``--force``);
- removes the files of the earlier report that this run no longer writes (a unit that
  disappeared), again only when their content is still the report's;
- never follows a symbolic link: a linked ``units/`` or ``data/`` is refused, a link in
  place of a page is replaced (with ``force``), never written through
  (:class:`unaccounted.files.Folder`).

A folder that is not empty and holds no manifest is refused unless ``force``; even then
nothing that the report did not write is ever removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from types import TracebackType

from unaccounted.errors import InputError
from unaccounted.files import Folder
from unaccounted.protect import PREFIX, REDACTED, TOKEN_RE

log = logging.getLogger(__name__)

MANIFEST = ".unaccounted-report"


TEXT_SUFFIXES = (".html", ".csv", ".json", ".js", ".txt", ".md", ".svg")
TOKEN_BYTES = re.compile(TOKEN_RE.pattern.encode("ascii"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ReportFolder:
    """``with ReportFolder(out, force) as folder: folder.check(paths); folder.write(...)``."""

    def __init__(
        self, out: Path, *, force: bool = False, manifest: str = MANIFEST,
        made_by: str = "unaccounted report", what: str = "report",
    ) -> None:  # fmt: skip
        """``manifest``, ``made_by`` and ``what`` name another kind of output written the
        same way (the memorial site of ``unaccounted publish``)."""
        self.out = out
        self.force = force
        self.manifest, self.made_by, self.what = manifest, made_by, what
        self.before: dict[str, str] = {}
        self.written: dict[str, str] = {}
        self._folders: dict[str, Folder] = {}

    def __enter__(self) -> ReportFolder:
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"{self.out} exists and is not a folder; choose another --out")
        root = Folder.at(self.out, create=True, force=True)
        self._folders[""] = root
        manifest = root.read_bytes(self.manifest)
        if manifest is not None:
            self.before = _read_manifest(manifest)
        elif _has_entries(self.out) and not self.force:
            self.close()
            hint = (
                (
                    "choose another --out (or pass --force to write beside its files, none of "
                    "which is removed)"
                )
                if self.what == "report"
                else "choose an empty or new --out"
            )
            raise InputError(
                f"{self.out} is not empty and holds no earlier {self.what}; {hint}"
            )  # fmt: skip
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self._remove_stale()
                self._write_manifest()
        finally:
            self.close()

    def close(self) -> None:
        for folder in self._folders.values():
            folder.close()
        self._folders.clear()

    def _folder(self, sub: str) -> Folder:
        if sub not in self._folders:
            parent, _, name = sub.rpartition("/")
            self._folders[sub] = self._folder(parent).folder(name)
        return self._folders[sub]

    def _locate(self, rel: str) -> tuple[Folder, str]:
        sub, _, name = rel.rpartition("/")
        return self._folder(sub), name

    def _ours(self, folder: Folder, name: str, rel: str) -> bool:
        """Whether ``rel`` is missing or still exactly what the earlier report wrote."""
        kind = folder.kind(name)
        if kind == "missing":
            return True
        data = folder.read_bytes(name) if kind == "file" else None
        return data is not None and self.before.get(rel) == _sha(data)

    def check(self, paths: list[str]) -> None:
        """Refuse, before writing anything, a file in the way that the report did not write."""
        if self.force:
            return
        for rel in paths:
            folder, name = self._locate(rel)
            if not self._ours(folder, name, rel):
                raise InputError(
                    f"{self.out / rel} was not written by an earlier {self.what} (or was "
                    "changed since); move it away"
                    + (" or pass --force to replace it" if self.what == "report" else "")
                )

    def write(self, rel: str, data: bytes) -> None:
        """Write the file ``rel`` (``units/x.html``) of the report; a sealed value in a text
        file reads ``[protected]`` (the report is for publishing)."""
        self.check([rel])
        if rel.endswith(TEXT_SUFFIXES) and PREFIX.encode() in data:
            data = TOKEN_BYTES.sub(REDACTED.encode(), data)
        folder, name = self._locate(rel)
        with folder.open(name, "wb", force=True) as fh:
            fh.write(data)
        self.written[rel] = _sha(data)

    def _remove_stale(self) -> None:
        for rel in sorted(set(self.before) - set(self.written)):
            try:
                folder, name = self._locate(rel)
            except InputError:
                continue  # its folder is gone or is now a link: nothing of ours to remove
            if folder.kind(name) == "file" and self._ours(folder, name, rel):
                folder.remove(name)
                log.info("removed %s, which this report no longer has", rel)

    def _write_manifest(self) -> None:
        text = json.dumps({"made_by": self.made_by, "files": self.written}, indent=1)
        with self._folders[""].open(self.manifest, "w", force=True) as fh:
            fh.write(text + "\n")


def _read_manifest(data: bytes) -> dict[str, str]:
    """The files of an earlier report; an unreadable or older manifest lists none."""
    try:
        files = json.loads(data.decode("utf-8")).get("files", {})
    except (UnicodeDecodeError, ValueError, AttributeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {
        str(k): str(v)
        for k, v in files.items()
        if isinstance(k, str) and ".." not in k.split("/") and not k.startswith("/")
    }


def _has_entries(out: Path) -> bool:
    return any(out.iterdir())
