"""One process owns the store: the mark a running server leaves in its workspace.

``unaccounted serve`` holds the workspace's store open for as long as it runs. It writes
``.unaccounted-serve.json`` into the workspace (where, by whom, since when, its process id);
another command on the same workspace reads the mark and says in one line which server
owns the store, instead of failing on the store's lock. A mark whose process is gone is
stale and ignored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from unaccounted.errors import WorkspaceError

log = logging.getLogger(__name__)

#: The file, in the workspace folder, that names the server owning the store.
MARK = ".unaccounted-serve.json"


@dataclass(frozen=True)
class ServerMark:
    url: str
    pid: int
    actor: str
    since: str  # ISO 8601, UTC

    def describe(self) -> str:
        return f"unaccounted serve at {self.url} (process {self.pid}, since {self.since})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    return True


def serving(root: Path) -> ServerMark | None:
    """The live server that owns ``root``'s store, or None (no mark, or a stale one)."""
    path = root / MARK
    try:
        data = json.loads(path.read_text("utf-8"))
        mark = ServerMark(str(data["url"]), int(data["pid"]), str(data["actor"]),
                          str(data["since"]))  # fmt: skip
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("ignoring an unreadable server mark %s", path)
        return None
    if mark.pid != os.getpid() and not _alive(mark.pid):
        return None
    return mark


def check_not_served(root: Path) -> None:
    """Raise a one-line :class:`WorkspaceError` when another process serves ``root``."""
    mark = serving(root)
    if mark is not None and mark.pid != os.getpid():
        raise WorkspaceError(
            f"the workspace {root} is owned by {mark.describe()}; use the web application, "
            "or stop the server first"
        )


def claim(root: Path, url: str, actor: str) -> ServerMark:
    """Write this process's mark into ``root`` (refused while another server owns it)."""
    check_not_served(root)
    since = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    mark = ServerMark(url, os.getpid(), actor, since)
    (root / MARK).write_text(json.dumps(asdict(mark)), "utf-8")
    return mark


def release(root: Path) -> None:
    """Remove this process's mark (a mark of another process is left alone)."""
    mark = serving(root)
    if mark is not None and mark.pid == os.getpid():
        (root / MARK).unlink(missing_ok=True)
