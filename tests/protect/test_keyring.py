"""The keyring: tokens, authentication, where the key is found, key file permissions."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from unaccounted.protect import (
    KEY_ENV,
    KEY_FILE_ENV,
    REDACTED,
    Keyring,
    ProtectionError,
    is_token,
    key_id,
    redact,
    write_key_file,
)

KEY = bytes(range(32))


def ring(key: bytes = KEY, workspace: str = "ws1") -> Keyring:
    keyring = Keyring(key, workspace, "test")
    keyring.attach_secret(None)
    return keyring


def test_a_value_seals_to_a_token_and_opens_again() -> None:
    k = ring()
    for value in ("https://example.org/a", "Тимофей Кравцов", "+7 912 000 4567"):
        token = k.seal(value)
        assert is_token(token)
        assert token.startswith(f"enc:v1:{key_id(KEY)}:")
        assert value not in token
        assert k.open(token) == value


def test_the_same_value_gives_the_same_token_and_another_value_another() -> None:
    # a synthetic nonce: re-ingesting a file finds its rows unchanged
    k = ring()
    assert k.seal("Тимофей") == k.seal("Тимофей")
    assert k.seal("Тимофей") != k.seal("Тимофеи")


def test_a_tampered_token_is_refused() -> None:
    k = ring()
    token = k.seal("witness Тимофей")
    head, body = token.rsplit(":", 1)
    blob = bytearray(base64.b64decode(body))
    blob[-1] ^= 1  # one bit of the authentication tag
    with pytest.raises(ProtectionError, match="fails its authentication check"):
        k.open(f"{head}:{base64.b64encode(bytes(blob)).decode()}")
    blob[-1] ^= 1
    blob[14] ^= 1  # one bit of the ciphertext
    with pytest.raises(ProtectionError, match="fails its authentication check"):
        k.open(f"{head}:{base64.b64encode(bytes(blob)).decode()}")


def test_a_token_of_another_workspace_or_key_does_not_open() -> None:
    token = ring().seal("secret")
    with pytest.raises(ProtectionError, match="authentication check"):
        other = Keyring(KEY, "ws2", "test")
        other.attach_secret(None)
        other.open(token)
    other_key = bytes(31) + b"\x01"
    with pytest.raises(ProtectionError, match=f"sealed with key {key_id(KEY)}"):
        ring(other_key).open(token)


def test_redaction_reaches_into_lists_dicts_and_texts() -> None:
    token = ring().seal("x")
    value = {"a": [token, "plain"], "b": f'{{"contact": "{token}"}}', "n": 3}
    assert redact(value) == {"a": [REDACTED, "plain"], "b": '{"contact": "[protected]"}', "n": 3}


def test_a_key_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "k.key"
    k = Keyring.load("ws1", str(path), tmp_path / "ws", create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert k.path == path
    assert Keyring.load("ws1", str(path)).kid == k.kid  # read back, not made again


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    write_key_file(path, KEY)
    path.chmod(0o644)
    with pytest.raises(ProtectionError) as exc:
        Keyring.load("ws1", str(path))
    assert str(exc.value) == (
        f"the protection key {path} may be read by others (mode 0644); run 'chmod 600 {path}' first"
    )
    path.chmod(0o640)
    with pytest.raises(ProtectionError, match="may be read by others"):
        Keyring.load("ws1", str(path))


def test_a_missing_key_is_an_error_unless_one_may_be_made(tmp_path: Path) -> None:
    path = tmp_path / "none.key"
    with pytest.raises(ProtectionError, match=f"no protection key at {path}; restore it"):
        Keyring.load("ws1", str(path))
    assert not path.exists()


def test_where_the_key_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "env.key"))
    # the setting comes before $UNACCOUNTED_KEY_FILE
    assert Keyring.locate("id1", str(tmp_path / "set.key"), root)[1] == tmp_path / "set.key"
    assert Keyring.locate("id1", "", root)[1] == tmp_path / "env.key"
    monkeypatch.delenv(KEY_FILE_ENV)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Keyring.locate("id1", "", root)[1] == (
        tmp_path / "home" / ".config" / "unaccounted" / "keys" / "id1.key"
    )
    # $UNACCOUNTED_KEY comes first of all
    monkeypatch.setenv(KEY_ENV, base64.b64encode(KEY).decode())
    k = Keyring.load("id1", str(tmp_path / "set.key"), root)
    assert (k.kid, k.where, k.path) == (key_id(KEY), f"${KEY_ENV}", None)
    monkeypatch.setenv(KEY_ENV, "not base64!")
    with pytest.raises(ProtectionError, match=r"from \$UNACCOUNTED_KEY is not base64"):
        Keyring.load("id1", "", root)
    monkeypatch.setenv(KEY_ENV, base64.b64encode(b"short").decode())
    with pytest.raises(ProtectionError, match="is not 32 bytes"):
        Keyring.load("id1", "", root)


def test_the_key_file_setting_must_be_absolute_and_outside_the_workspace(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    with pytest.raises(ProtectionError, match="must be an absolute path"):
        Keyring.locate("id1", "keys/k.key", root)
    with pytest.raises(ProtectionError, match="is inside the workspace"):
        Keyring.locate("id1", str(root / "k.key"), root)


def test_the_key_never_shows_in_a_repr() -> None:
    k = ring()
    assert base64.b64encode(KEY).decode() not in repr(k)
    assert "key=" not in repr(k)
    assert os.fsencode(repr(k)).count(KEY) == 0


def test_the_tests_use_a_temporary_key_never_the_home_folder(protection_key_file: Path) -> None:
    # tests/conftest.py points every test (and every subprocess) at a key of this run
    assert os.environ[KEY_FILE_ENV] == str(protection_key_file)
    assert not protection_key_file.is_relative_to(Path.home() / ".config")
    assert Keyring.locate("any", "", None)[1] == protection_key_file
