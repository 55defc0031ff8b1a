"""Key rotation seals every value again under a new key, in one transaction."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.protect.conftest import SECRETS, store_bytes
from unaccounted.errors import InputError
from unaccounted.protect import (
    KEY_FILE_ENV,
    TOKEN_RE,
    Keyring,
    ProtectionError,
    key_id,
    read_key_file,
    token_key_id,
)
from unaccounted.service import PermissionDenied, RolePermissions, Session, protection
from unaccounted.workspace import Workspace


@pytest.fixture
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key file of this test alone (rotation replaces it)."""
    path = tmp_path / "keys" / "own.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    return path


def all_tokens(ws: Workspace) -> list[str]:
    with Session.open(ws.root) as s:
        return [
            m.group(0)
            for table, column in protection.TOKEN_COLUMNS
            for _, text in s.store.token_cells(table, column)
            for m in TOKEN_RE.finditer(text)
        ]


def test_rotation_seals_everything_again_under_the_new_key(
    own_key: Path, world: Workspace, cli: Callable[..., Any], tmp_path: Path
) -> None:
    old_key = read_key_file(own_key)
    before = all_tokens(world)
    with Session.open(world.root) as s:
        sealed = s.store.count_tokens()
    assert {token_key_id(t) for t in before} == {key_id(old_key)}
    r = cli("key", "rotate")
    assert r.exit_code == 0, r.output
    new_key = read_key_file(own_key)
    kept = own_key.with_name(f"own.key.old-{key_id(old_key)}")
    assert read_key_file(kept) == old_key  # kept, owner-only (read_key_file checks)
    assert not own_key.with_name("own.key.new").exists()
    after = all_tokens(world)
    assert len(after) == len(before)
    assert {token_key_id(t) for t in after} == {key_id(new_key)}
    with Session.open(world.root) as s:
        assert s.store.count_tokens() == sealed
        status = protection.key_status(s)
    assert (status["key_id"], status["sealed_with"], status["problem"]) == (
        key_id(new_key), key_id(new_key), None)  # fmt: skip
    # an old token does not open with the new key
    ring = Keyring.load(status["workspace_id"], str(own_key))
    with pytest.raises(ProtectionError, match=f"sealed with key {key_id(old_key)}"):
        ring.open(before[0])
    # the values are all there, and nothing in the clear
    out = tmp_path / "r.jsonl"
    assert cli("export", "records", "-f", "jsonl", "-o", str(out), "--protected").exit_code == 0
    assert all(v in out.read_text("utf-8") for v in SECRETS.values())
    data = store_bytes(world)
    assert all(v.encode() not in data for v in SECRETS.values())
    # the same file ingested again is unchanged: the content hash survives the rotation
    r = cli("ingest", str(tmp_path / "open_list.csv"), "--mapping", str(tmp_path / "open.yaml"),
            "--json")  # fmt: skip
    assert json.loads(r.output[: r.output.index("\n}") + 2])["counts"]["unchanged"] == 2
    with Session.open(world.root) as s:
        (event,) = [e for e in s.store.events() if e["command"] == "rotate-key"]
    assert json.loads(event["args"]) == {"from": key_id(old_key), "to": key_id(new_key)}
    assert json.loads(event["counts"])["values_resealed"] == len(before)


def test_a_failed_rotation_changes_nothing(
    own_key: Path, world: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store_bytes(world)
    tokens = all_tokens(world)

    def broken(*args: Any) -> Any:
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(protection, "store_key_facts", broken)
    with Session.open(world.root) as s, pytest.raises(RuntimeError, match="disk trouble"):
        protection.rotate_key(s)
    assert all_tokens(world) == tokens
    assert not own_key.with_name("own.key.new").exists()
    assert [p.name for p in own_key.parent.iterdir()] == ["own.key"]
    assert len(store_bytes(world)) >= len(before) // 2


def test_rotation_is_for_admins(own_key: Path, world: Workspace) -> None:
    roles = RolePermissions({"ed": "editor"})
    with (
        Session.open(world.root, "ed", permissions=roles) as s,
        pytest.raises(PermissionDenied, match="ed may not rotate the protection key"),
    ):
        protection.rotate_key(s)


def test_a_key_from_the_environment_rotates_into_a_named_file(
    own_key: Path, world: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import base64

    monkeypatch.setenv("UNACCOUNTED_KEY", base64.b64encode(read_key_file(own_key)).decode())
    with Session.open(world.root) as s:
        with pytest.raises(InputError, match="name a file for the new key with --new-key-file"):
            protection.rotate_key(s)
        with pytest.raises(InputError, match="inside the workspace"):
            protection.rotate_key(s, world.root / "new.key")
        result = protection.rotate_key(s, tmp_path / "new.key")
    assert result["key_file"] == str(tmp_path / "new.key")
    assert (tmp_path / "new.key").stat().st_mode & 0o777 == 0o600
    assert {token_key_id(t) for t in all_tokens(world)} == {
        key_id(read_key_file(tmp_path / "new.key"))
    }
    # the old key (still in the variable) is now the wrong key: one line saying so
    with Session.open(world.root) as s, pytest.raises(ProtectionError) as exc:
        protection.keyring(s)
    assert "\n" not in str(exc.value) and "use the key they were sealed with" in str(exc.value)
    assert os.environ["UNACCOUNTED_KEY"] not in str(exc.value)


def test_key_status_never_prints_the_key(own_key: Path, world: Workspace,
                                         cli: Callable[..., Any]) -> None:  # fmt: skip
    import base64

    r = cli("key", "status", "--json")
    status = json.loads(r.output)
    assert status["key_location"] == str(own_key)
    assert status["sealed_values"] == 9  # 8 in records, the contact of a rejected row
    assert status["confidential_sources"] == ["witness_notes"]
    key = read_key_file(own_key)
    r2 = cli("key", "status")
    for text in (r.output, r2.output):
        assert base64.b64encode(key).decode() not in text
    assert f"key id: {key_id(key)}" in r2.output
