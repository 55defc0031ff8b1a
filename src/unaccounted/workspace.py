"""A workspace: one folder holding ``unaccounted.toml`` and the store.

Every command except ``init``, ``dedupe``, ``estimate`` and ``simulate`` acts on a
workspace; :meth:`Workspace.open` is the single way in, so a missing or incompatible
workspace is reported the same way everywhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from unaccounted.errors import WorkspaceError
from unaccounted.settings import Settings, dump_settings, load_settings
from unaccounted.store import Store, create_store, open_store

CONFIG_NAME = "unaccounted.toml"
ARCHIVE_DIR = "archive"


def private(settings: Settings) -> None:
    """Create every later file and folder of this process with the workspace's umask
    (``[store] umask``: owner-only by default). A process works on one workspace at a
    time, so the umask of the process is the workspace's."""
    os.umask(settings.store.umask_bits)


@dataclass(frozen=True)
class Workspace:
    root: Path
    settings: Settings
    #: The store every :meth:`store` call lends out (a session's one connection); None:
    #: each call opens a connection of its own.
    attached: Store | None = field(default=None, compare=False, repr=False)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def store_path(self) -> Path:
        return self.root / self.settings.store.path

    @property
    def archive_dir(self) -> Path:
        return self.root / ARCHIVE_DIR

    @classmethod
    def init(cls, root: Path, settings: Settings | None = None) -> Workspace:
        """Create a new workspace in ``root`` (created if missing); refuse to overwrite one."""
        root = root.expanduser()
        if (root / CONFIG_NAME).exists():
            raise WorkspaceError(f"{root} is already a workspace ({CONFIG_NAME} exists)")
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"{root} exists and is not a folder")
        settings = settings or Settings()
        private(settings)
        try:
            root.mkdir(parents=True, exist_ok=True)
            ws = cls(root=root.resolve(), settings=settings)
            if ws.store_path.exists():
                raise WorkspaceError(f"{ws.store_path} already exists; move it away first")
            create_store(ws.store_path, settings.store).close()
            ws.config_path.write_text(dump_settings(settings), encoding="utf-8")
        except OSError as exc:
            raise WorkspaceError(f"cannot create a workspace in {root}: {exc.strerror}") from exc
        return ws

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """Open the workspace in ``root``, or say how to make one."""
        root = root.expanduser()
        config = root / CONFIG_NAME
        if not config.is_file():
            where = "the current folder" if str(root) in ("", ".") else str(root)
            raise WorkspaceError(
                f"no workspace in {where} ({CONFIG_NAME} not found); "
                f"create one with 'unaccounted init DIR' or pass --workspace DIR"
            )
        ws = cls(root=root.resolve(), settings=load_settings(config))
        private(ws.settings)
        if not ws.store_path.is_file():
            raise WorkspaceError(f"the workspace store {ws.store_path} is missing")
        return ws

    def relative(self, path: Path) -> str:
        """``path`` as events keep it: relative to the workspace folder (``../lists/a.csv``
        for a file beside it), so the log never holds a user's absolute paths."""
        try:
            return Path(os.path.relpath(path.resolve(), self.root)).as_posix()
        except ValueError:  # another drive: only the name is relative to nothing
            return path.name

    def store(self, *, read_only: bool = False, checked: bool = True) -> Store:
        """The store: the attached one (lent, so closing it gives it back), else a new
        connection (upgrading an older schema unless read-only; a damaged store refused
        unless not ``checked``)."""
        if self.attached is not None:
            if self.attached.read_only and not read_only:
                raise WorkspaceError(
                    "this command was opened to read the workspace and cannot change it"
                )
            return self.attached.lend()
        return open_store(
            self.store_path, self.settings.store, read_only=read_only, checked=checked
        )

    def with_store(self, store: Store) -> Workspace:
        """This workspace with ``store`` attached: every stage run on it shares that one
        connection and its transaction."""
        return replace(self, attached=store)
