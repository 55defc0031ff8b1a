"""Writing files without harming a user's: the one way every command writes its output.

Three rules hold for every file written:

- **No overwrite unless asked.** An existing file is replaced only with ``force``
  (``--force`` on the command line); a folder given where a file is expected is a
  one-line error, not a traceback.
- **No symbolic link followed inside an output folder or the workspace.** Folders are
  opened by handle, one level at a time, with ``O_NOFOLLOW``: a planted link in place
  of ``data/`` or ``archive/`` is refused, and a link in place of a file is replaced,
  never written through. The folder a user names (``--out``, the workspace itself) is
  taken as given, links and all: that is the user's own choice.
- **No half-written file.** A file is written under a fresh random name in its folder
  (created with ``O_EXCL``, so nothing planted there can be reused) and moved into place
  in one rename once complete; on any error the temporary file is removed.

:class:`Folder` is the handle-based folder; :func:`open_output` and
:func:`output_path` write one file named by the user; :func:`workspace_file` checks a
path setting stays inside the workspace.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from unaccounted.errors import InputError, WorkspaceError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

Kind = Literal["missing", "file", "folder", "link", "other"]


class Folder:
    """An open folder; every name inside it is reached without following a link."""

    def __init__(self, fd: int, path: Path, force: bool = False) -> None:
        self.fd = fd
        self.path = path
        #: Whether a file of this folder may replace an existing one (``--force``).
        self.force = force

    @classmethod
    def at(cls, path: Path, *, create: bool = False, force: bool = False) -> Folder:
        """Open the folder a user named (links in ``path`` itself are the user's choice)."""
        try:
            if create:
                path.mkdir(parents=True, exist_ok=True)
            return cls(os.open(path, _DIR_FLAGS), path, force)
        except FileExistsError as exc:
            raise InputError(f"{path} exists and is not a folder") from exc
        except NotADirectoryError as exc:
            raise InputError(f"{path} is not a folder") from exc
        except FileNotFoundError as exc:
            raise InputError(f"folder not found: {path}") from exc
        except OSError as exc:
            raise InputError(f"cannot open the folder {path}: {exc.strerror}") from exc

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __truediv__(self, name: str) -> FolderFile:
        return FolderFile(self, name)

    def kind(self, name: str) -> Kind:
        """What ``name`` is in this folder, without following a link."""
        try:
            mode = os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode
        except FileNotFoundError:
            return "missing"
        if stat.S_ISLNK(mode):
            return "link"
        if stat.S_ISDIR(mode):
            return "folder"
        return "file" if stat.S_ISREG(mode) else "other"

    def folder(self, name: str, *, create: bool = True) -> Folder:
        """The sub-folder ``name`` (made if missing); a link or a file there is refused."""
        _check_name(name)
        if create:
            with suppress(FileExistsError):
                os.mkdir(name, 0o777, dir_fd=self.fd)
        try:
            fd = os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise InputError(
                    f"{self.path / name} is a symbolic link or not a folder; "
                    "refusing to write through it (move it away)"
                ) from exc
            raise InputError(f"cannot open {self.path / name}: {exc.strerror}") from exc
        return Folder(fd, self.path / name, self.force)

    @contextmanager
    def open(
        self,
        name: str,
        mode: Literal["w", "wb"] = "wb",
        *,
        force: bool | None = None,
        encoding: str = "utf-8",
    ) -> Iterator[IO[Any]]:
        """Write ``name`` through a temporary file moved into place when the block ends.

        Text mode writes ``encoding`` with no newline translation. Without ``force`` (by
        default the folder's) an existing ``name`` is refused, before writing and again
        at the final move (which cannot replace a file that appeared meanwhile)."""
        with self.temporary(name, force=force) as tmp:
            fd = os.open(tmp, _NEW_FILE & ~os.O_CREAT & ~os.O_EXCL, dir_fd=self.fd)
            text = mode == "w"
            with os.fdopen(fd, mode, encoding=encoding if text else None,
                           newline="" if text else None) as fh:  # fmt: skip
                yield fh

    @contextmanager
    def temporary(self, name: str, *, force: bool | None = None) -> Iterator[str]:
        """Yield the name of a new empty file in this folder; move it to ``name`` at the end."""
        force = self.force if force is None else force
        _check_name(name)
        self.check_target(name, force=force)
        tmp = f".{name}.{secrets.token_hex(8)}.tmp"
        try:
            os.close(os.open(tmp, _NEW_FILE, 0o666, dir_fd=self.fd))
        except OSError as exc:
            raise InputError(f"cannot write in {self.path}: {exc.strerror}") from exc
        try:
            yield tmp
            self._commit(tmp, name, force)
        except BaseException as exc:
            with suppress(OSError):
                os.unlink(tmp, dir_fd=self.fd)
            if isinstance(exc, OSError):  # a full disk, a lost permission: one line
                raise InputError(
                    f"cannot write {self.path / name}: {exc.strerror or exc}; it was left as it was"
                ) from exc
            raise

    def check_target(self, name: str, *, force: bool) -> None:
        kind = self.kind(name)
        if kind == "folder":
            raise InputError(f"{self.path / name} is a folder; give a file name")
        if kind != "missing" and not force:
            raise InputError(f"{self.path / name} already exists; pass --force to replace it")

    def _commit(self, tmp: str, name: str, force: bool) -> None:
        if force:
            # rename() replaces a link at ``name`` itself, never the file it points to.
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return
        try:
            # link() fails if ``name`` appeared meanwhile: a no-clobber move.
            os.link(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)
        except FileExistsError as exc:
            raise InputError(
                f"{self.path / name} already exists; pass --force to replace it"
            ) from exc
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            # A file system without hard links: check again, then move (a narrow race).
            self.check_target(name, force=False)
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return
        os.unlink(tmp, dir_fd=self.fd)

    def remove(self, name: str) -> None:
        """Remove the file ``name`` of this folder (a link is removed, not its target)."""
        os.unlink(name, dir_fd=self.fd)

    def read_bytes(self, name: str) -> bytes | None:
        """The bytes of the regular file ``name``, or ``None`` when it is not one."""
        try:
            # O_NONBLOCK: a planted FIFO must not hang the read (no effect on a file).
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=self.fd)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            return fh.read()


@dataclass(frozen=True)
class FolderFile:
    """A file name in an open folder: ``folder / "name.csv"``."""

    folder: Folder
    name: str

    @property
    def path(self) -> Path:
        return self.folder.path / self.name

    def open(self, mode: Literal["w", "wb"] = "wb", encoding: str = "utf-8") -> Any:
        """The context manager of :meth:`Folder.open` for this file."""
        return self.folder.open(self.name, mode, encoding=encoding)


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise InputError(f"not a plain file name: {name!r}")


def _split(path: Path) -> tuple[Path, str]:
    if path.name in ("", ".", ".."):
        raise InputError(f"{path} is a folder; give a file name")
    return path.parent, path.name


def check_output(path: Path, *, force: bool) -> None:
    """Refuse ``path`` before any work: a folder, a missing folder, or (without
    ``force``) an existing file."""
    parent, name = _split(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name")
    if not parent.is_dir():
        raise InputError(f"folder not found for {path}: {parent}")
    with Folder.at(parent) as folder:
        folder.check_target(name, force=force)


@contextmanager
def open_output(
    path: Path, mode: Literal["w", "wb"] = "wb", *, force: bool = False
) -> Iterator[IO[Any]]:
    """Open the file ``path`` a user named for writing (text mode: UTF-8, no newline
    translation), under the three rules of this module."""
    parent, name = _split(path)
    with Folder.at(parent) as folder, folder.open(name, mode, force=force) as fh:
        yield fh


@contextmanager
def output_path(path: Path, *, force: bool = False) -> Iterator[Path]:
    """For a writer that needs a path (the store's Parquet writer): yield a new empty
    file's path beside ``path``; it becomes ``path`` when the block ends."""
    parent, name = _split(path)
    with Folder.at(parent) as folder, folder.temporary(name, force=force) as tmp:
        yield parent / tmp


def workspace_file(root: Path, relative: str, setting: str) -> Path:
    """``root / relative`` for a path setting; refused unless it stays inside the workspace."""
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or Path(relative).is_absolute():
        raise WorkspaceError(
            f"setting {setting} = {relative!r} leads outside the workspace; "
            "give a path relative to the workspace folder, without '..'"
        )
    path = root / relative
    resolved, base = path.resolve(), root.resolve()
    if resolved != base and base not in resolved.parents:
        raise WorkspaceError(
            f"setting {setting} = {relative!r} leads outside the workspace through a "
            "symbolic link; replace the link with the file itself"
        )
    return path
