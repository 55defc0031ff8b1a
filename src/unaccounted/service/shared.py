"""Files a team shares — the grading rules, confirmed unit aliases, the publication rule
and language-pack additions — kept in the store with every version, so that each change is
an audited event.

The workspace copy of each file stays where users and the stages expect it (users may edit
it by hand); the store holds its history. :func:`sync_shared_files` records a hand edit as
a new version by the session's actor; :func:`put_shared_file` stores a version and writes
the workspace copy (the web application and ``unit-aliases --confirm`` change files so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from unaccounted.analyze.run import CONFIRMED_ALIASES, confirmed_aliases
from unaccounted.errors import InputError
from unaccounted.service.session import Session, Work
from unaccounted.workspace import Workspace

#: The shared file of confirmed unit aliases.
UNIT_ALIASES = CONFIRMED_ALIASES
#: The shared file of the publication rule (``service/publication.py``).
PUBLICATION_FILE = "publication.yaml"
#: Shared files whose every change is an action of its own (else ``put-shared-file``).
ACTION_OF = {PUBLICATION_FILE: "set-publication-rule"}


@dataclass(frozen=True)
class SharedFile:
    name: str  # as stored: a path relative to the workspace
    path: Path


def shared_file_paths(ws: Workspace) -> list[SharedFile]:
    """The shared files of a workspace: rules, unit aliases, and every pack addition."""
    found = [
        SharedFile(ws.settings.resolve.rules_file, ws.root / ws.settings.resolve.rules_file),
        SharedFile(UNIT_ALIASES, ws.root / UNIT_ALIASES),
        SharedFile(PUBLICATION_FILE, ws.root / PUBLICATION_FILE),
    ]
    pack = ws.settings.normalize.pack_dir
    if pack and (ws.root / pack).is_dir():
        for path in sorted((ws.root / pack).glob("*.csv")):
            found.append(SharedFile(f"{pack}/{path.name}", path))
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def shared_files(s: Session) -> list[dict[str, Any]]:
    """Each shared file: its stored version, who stored it and when, and whether the
    workspace copy is the same, changed since, or missing."""
    store = s.read("shared-file")
    rows = []
    names = {f.name: f for f in shared_file_paths(s.workspace)}
    for name in sorted(set(names) | set(store.shared_file_names())):
        current = store.shared_file(name)
        on_disk = _read(names[name].path) if name in names else None
        if on_disk is None and current is None:
            continue  # a file the workspace does not use (yet)
        state = ("missing" if on_disk is None else "not stored" if current is None
                 else "same" if on_disk == current["content"] else "changed")  # fmt: skip
        rows.append({
            "name": name,
            "version": current["version"] if current else None,
            "actor": current["actor"] if current else None,
            "stored_at": current["logged_at"] if current else None,
            "workspace_copy": state,
        })  # fmt: skip
    return rows


def sync_shared_files(s: Session) -> list[str]:
    """Store every shared file whose workspace copy changed (or was never stored), one
    audited event each; return their names."""
    stored = []
    for f in shared_file_paths(s.workspace):
        content = _read(f.path)
        current = s.store.shared_file(f.name)
        if content is None or (current is not None and current["content"] == content):
            continue
        _check(f.name, content)
        action = ACTION_OF.get(f.name, "put-shared-file")
        with s.write(action, {"name": f.name, "from": "workspace copy"}) as work:
            if work.store.put_shared_file(f.name, content, _event(work)):
                stored.append(f.name)
    return stored


def _check(name: str, content: str) -> None:
    """Refuse a shared file the workspace cannot use, before it is stored."""
    if name == PUBLICATION_FILE:
        from unaccounted.service.publication import parse_rule

        parse_rule(content, name)


def store_shared_file(
    s: Session, name: str, content: str, action: str, args: dict[str, Any]
) -> bool:
    """Store a version of a shared file as one ``action`` and write its workspace copy."""
    with s.write(action, {"name": name, **args}) as work:
        changed = work.store.put_shared_file(name, content, _event(work))
        (s.workspace.root / name).write_text(content, encoding="utf-8")
    return changed


def _event(work: Work) -> int:
    """The unit of work's audit event, logged now so that the file version can name it."""
    event_id = work.store.next_event_id()
    work.store.log_event(event_id, work.action, work.args, work.counts)
    return event_id


def put_shared_file(s: Session, name: str, content: str) -> bool:
    """Store a new version of a shared file and write its workspace copy."""
    files = {f.name: f for f in shared_file_paths(s.workspace)}
    if name not in files:
        raise InputError(f"no shared file named {name!r}; known: {', '.join(sorted(files))}")
    _check(name, content)
    with s.write(ACTION_OF.get(name, "put-shared-file"), {"name": name}) as work:
        changed = work.store.put_shared_file(name, content, _event(work))
        files[name].path.write_text(content, encoding="utf-8")
    return changed


def confirm_unit_alias(s: Session, a: str, b: str) -> None:
    """Confirm that unit keys ``a`` and ``b`` are one unit (kept in ``unit_aliases.yaml``)."""
    pairs = [*confirmed_aliases(s.workspace), (a, b)]
    content = yaml.safe_dump({"aliases": [list(p) for p in pairs]}, allow_unicode=True)
    with s.write("confirm-unit-alias", {"a": a, "b": b}) as work:
        work.store.put_shared_file(UNIT_ALIASES, content, _event(work))
        (s.workspace.root / UNIT_ALIASES).write_text(content, encoding="utf-8")
