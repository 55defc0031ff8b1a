"""Protected values: authenticated encryption at rest with a key kept outside the store.

A protected value is stored as a *token*::

    enc:v1:<key id>:<base64(nonce + ciphertext)>

sealed with AES-256-GCM. The associated data binds the token to its workspace (a token
copied into another workspace does not open). The nonce is derived from the value with a
keyed hash (a synthetic IV) under the workspace's *nonce secret* — 32 random bytes kept in
the store sealed under the key, unchanged by a key rotation — so the same value always
gives the same nonce: ingesting the same file again finds its rows unchanged, before and
after a rotation (ingest's change fingerprint reads a token's nonce, not its ciphertext).
The price is that two equal protected values are visibly equal in the store — never what
they are.

The key id is a fingerprint of the key (the first 8 hex digits of a SHA-256 over it, under
a label); it says which key sealed a value, never the key. The key itself is 32 random
bytes, written base64 on one line, and is never stored in the workspace, logged or
printed. :class:`Keyring` finds it, in order:

1. ``$UNACCOUNTED_KEY`` (base64; e.g. filled from a password manager);
2. the ``[protection] key_file`` setting (an absolute path outside the workspace);
3. ``$UNACCOUNTED_KEY_FILE``;
4. ``~/.config/unaccounted/keys/<workspace id>.key``.

A key file is created (mode 0600, in a folder of mode 0700) the first time a value must be
sealed; a key file that its group or others may read is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from unaccounted.errors import UnaccountedError

if TYPE_CHECKING:
    from unaccounted.store.base import Store

KEY_ENV = "UNACCOUNTED_KEY"
#: The ``meta`` entry naming the id of the key the workspace's values are sealed with.
KEY_ID_META = "protection_key_id"
#: The ``meta`` entry holding the nonce secret, sealed under the key.
NONCE_META = "protection_nonce_secret"
#: Columns a confidential source keeps in the clear, because linkage, grading, the
#: estimates and the nowcast read them (docs/protection.md); every other value is sealed.
LINKING_COLUMNS: tuple[str, ...] = (
    "record_id", "source", "full_name", "surname", "given_name", "patronymic", "sex",
    "birth_date", "age", "status", "event_date", "unit", "rank", "category", "region",
    "hometown", "published",
)  # fmt: skip
KEY_FILE_ENV = "UNACCOUNTED_KEY_FILE"
PREFIX = "enc:v1:"
#: What a protected value reads as to anyone not allowed (or not asking) to see it.
REDACTED = "[protected]"
#: A token anywhere in a text (a JSON text holds tokens among other values).
TOKEN_RE = re.compile(r"enc:v1:[0-9a-f]{8}:[A-Za-z0-9+/]+={0,2}")
_WHOLE = re.compile(r"\Aenc:v1:[0-9a-f]{8}:[A-Za-z0-9+/]+={0,2}\Z")
KEY_BYTES = 32
NONCE_BYTES = 12


class ProtectionError(UnaccountedError):
    """The key is missing, wrong or unsafe, or a protected value does not open."""


def is_token(value: object) -> bool:
    """Whether ``value`` is a sealed value (a whole token)."""
    return isinstance(value, str) and _WHOLE.match(value) is not None


def looks_sealed(value: object) -> bool:
    """Whether ``value`` starts like a token (what ingest refuses to take as plain input)."""
    return isinstance(value, str) and value.lstrip().startswith(PREFIX)


def key_id(key: bytes) -> str:
    """The key's public fingerprint: names the key, reveals nothing of it."""
    return hashlib.sha256(b"unaccounted key id\0" + key).hexdigest()[:8]


def token_key_id(token: str) -> str:
    return token[len(PREFIX) : len(PREFIX) + 8]


def default_key_path(workspace_id: str) -> Path:
    return Path.home() / ".config" / "unaccounted" / "keys" / f"{workspace_id}.key"


@dataclass
class Keyring:
    """One workspace's protection key, where it was found, and how to seal and open."""

    key: bytes = field(repr=False)
    workspace_id: str
    #: Where the key came from, for messages: a path or the environment variable's name.
    where: str
    #: The key file (None when the key came from ``$UNACCOUNTED_KEY``).
    path: Path | None = None
    #: The nonce secret (see the module docstring); None until attached.
    nonce_secret: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise ProtectionError(
                f"the protection key from {self.where} is not {KEY_BYTES} bytes (base64); "
                "check that the whole key was copied"
            )
        self._aead = AESGCM(_derive(self.key, b"encrypt"))
        self._aad = b"unaccounted workspace " + self.workspace_id.encode()

    @property
    def kid(self) -> str:
        return key_id(self.key)

    # -- finding the key -----------------------------------------------------------------

    @classmethod
    def locate(
        cls, workspace_id: str, key_file: str = "", root: Path | None = None
    ) -> tuple[str, Path | None]:
        """Where the key is looked for: ``(description, file or None)``, without reading."""
        if os.environ.get(KEY_ENV, "").strip():
            return f"${KEY_ENV}", None
        if key_file.strip():
            path = Path(key_file).expanduser()
            if not path.is_absolute():
                raise ProtectionError(
                    f"[protection] key_file must be an absolute path outside the workspace, "
                    f"not '{key_file}'"
                )
            if root is not None and path.resolve().is_relative_to(root.resolve()):
                raise ProtectionError(
                    f"[protection] key_file {path} is inside the workspace; keep the key "
                    "apart from the store it protects"
                )
            return str(path), path
        env_file = os.environ.get(KEY_FILE_ENV, "").strip()
        if env_file:
            path = Path(env_file).expanduser()
            return str(path), path
        path = default_key_path(workspace_id)
        return str(path), path

    @classmethod
    def load(
        cls, workspace_id: str, key_file: str = "", root: Path | None = None,
        *, create: bool = False,
    ) -> Keyring:  # fmt: skip
        """Find the key; with ``create``, make a new key file where none is yet."""
        where, path = cls.locate(workspace_id, key_file, root)
        if path is None:
            return cls(_decode(os.environ[KEY_ENV].strip(), where), workspace_id, where)
        if not path.exists():
            if not create:
                raise ProtectionError(
                    f"no protection key at {path}; restore it from your backup, or set "
                    f"${KEY_ENV} (the protected values cannot be opened without it)"
                )
            write_key_file(path, new_key())
        return cls(read_key_file(path), workspace_id, str(path), path)

    def with_key(self, key: bytes, where: str, path: Path | None) -> Keyring:
        """Another key for the same workspace, with the same nonce secret (rotation)."""
        return Keyring(key, self.workspace_id, where, path, self.nonce_secret)

    def attach_secret(self, sealed: str | None) -> bool:
        """Open the workspace's sealed nonce secret, or make one (None: nothing sealed yet);
        True when a new one was made (the caller stores :meth:`sealed_secret`)."""
        if sealed is None:
            self.nonce_secret = secrets.token_bytes(KEY_BYTES)
            return True
        self.nonce_secret = base64.b64decode(self.open(sealed, random_nonce=True))
        return False

    def sealed_secret(self) -> str:
        """The nonce secret sealed under this key (with a random nonce), for ``meta``."""
        assert self.nonce_secret is not None
        data = base64.b64encode(self.nonce_secret)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, data, self._aad + b" nonce secret")
        return f"{PREFIX}{self.kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    # -- sealing and opening ---------------------------------------------------------------

    def seal(self, value: str) -> str:
        """The token of ``value`` (the same value gives the same token under one key)."""
        if self.nonce_secret is None:
            raise ProtectionError("the workspace's nonce secret is not loaded")
        data = value.encode("utf-8")
        nonce = hmac.new(self.nonce_secret, data, hashlib.sha256).digest()[:NONCE_BYTES]
        sealed = self._aead.encrypt(nonce, data, self._aad)
        return f"{PREFIX}{self.kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def open(self, token: str, *, random_nonce: bool = False) -> str:
        """The value sealed in ``token``; a token of another key or one that was altered
        is refused (:class:`ProtectionError`)."""
        if not is_token(token):
            raise ProtectionError("not a protected value (enc:v1:…)")
        kid = token_key_id(token)
        if kid != self.kid:
            raise ProtectionError(
                f"a protected value was sealed with key {kid}, but the key at {self.where} is "
                f"{self.kid}; use the key it was sealed with"
            )
        blob = base64.b64decode(token.rsplit(":", 1)[1])
        try:
            aad = self._aad + (b" nonce secret" if random_nonce else b"")
            data = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except InvalidTag:
            raise ProtectionError(
                f"a protected value (key {kid}) fails its authentication check: it was "
                "altered, or belongs to another workspace"
            ) from None
        return data.decode("utf-8")

    def open_text(self, text: str) -> str:
        """``text`` with every token in it opened (a JSON text, a line of a view)."""
        return TOKEN_RE.sub(lambda m: self.open(m.group(0)), text)


def _derive(key: bytes, label: bytes) -> bytes:
    return hmac.new(key, b"unaccounted " + label, hashlib.sha256).digest()


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _decode(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ProtectionError(f"the protection key from {where} is not base64") from None


def read_key_file(path: Path) -> bytes:
    """Read a key file, refusing one its group or others may read or write."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ProtectionError(f"cannot read the protection key {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ProtectionError(f"the protection key {path} is not a file")
    if info.st_mode & 0o077:
        raise ProtectionError(
            f"the protection key {path} may be read by others (mode "
            f"{stat.S_IMODE(info.st_mode):04o}); run 'chmod 600 {path}' first"
        )
    try:
        text = path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtectionError(f"cannot read the protection key {path}: {exc}") from None
    return _decode(text, str(path))


def write_key_file(path: Path, key: bytes) -> None:
    """Write a new key file with mode 0600 (its folder 0700); never replace one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ProtectionError(
            f"a key file already exists at {path}; it is never replaced"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(key).decode("ascii") + "\n")


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def redact(value: Any) -> Any:
    """``value`` with every token in it (in strings, lists and dicts) read as
    :data:`REDACTED`."""
    if isinstance(value, str):
        return TOKEN_RE.sub(REDACTED, value) if PREFIX in value else value
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, tuple):
        return tuple(redact(v) for v in value)
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    return value


def reveal_all(value: Any, keyring: Keyring) -> Any:
    """``value`` with every token in it opened."""
    if isinstance(value, str):
        return keyring.open_text(value) if PREFIX in value else value
    if isinstance(value, list):
        return [reveal_all(v, keyring) for v in value]
    if isinstance(value, tuple):
        return tuple(reveal_all(v, keyring) for v in value)
    if isinstance(value, dict):
        return {k: reveal_all(v, keyring) for k, v in value.items()}
    return value


def has_token(value: Any) -> bool:
    if isinstance(value, str):
        return PREFIX in value and TOKEN_RE.search(value) is not None
    if isinstance(value, list | tuple):
        return any(has_token(v) for v in value)
    if isinstance(value, dict):
        return any(has_token(v) for v in value.values())
    return False


def workspace_keyring(
    store: Store, key_file: str, root: Path | None, *, create: bool = False
) -> Keyring:
    """The workspace's keyring: the key found (or, with ``create``, made when the workspace
    has sealed nothing yet), checked against the id of the key its values are sealed with."""
    return checked_keyring(
        store.workspace_id(), store.meta_value(KEY_ID_META), store.meta_value(NONCE_META),
        key_file, root, create=create,
    )  # fmt: skip


def checked_keyring(
    workspace_id: str, sealed_with: str | None, sealed_secret: str | None, key_file: str,
    root: Path | None, *, create: bool = False,
) -> Keyring:  # fmt: skip
    """The key found (a new one only while nothing is sealed), checked against
    ``sealed_with``, the id of the key the workspace's values are sealed with, with the
    workspace's nonce secret attached (a new one while nothing is sealed: then
    ``keyring.nonce_secret`` must be stored, see :func:`store_key_facts`)."""
    keyring = Keyring.load(workspace_id, key_file, root, create=create and sealed_with is None)
    if sealed_with is not None and keyring.kid != sealed_with:
        hint = ""
        if keyring.path is not None and keyring.path.with_name(keyring.path.name + ".new").exists():
            hint = f" (a rotation was interrupted: the new key is {keyring.path}.new)"
        raise ProtectionError(
            f"the workspace's protected values are sealed with key {sealed_with}, but the "
            f"key at {keyring.where} is {keyring.kid}; use the key they were sealed with{hint}"
        )
    keyring.attach_secret(sealed_secret)
    return keyring


def store_key_facts(store: Store, keyring: Keyring) -> None:
    """Record which key seals the workspace's values, and its nonce secret sealed under it
    (inside the caller's transaction). The key itself is never stored."""
    store.set_meta_value(KEY_ID_META, keyring.kid)
    store.set_meta_value(NONCE_META, keyring.sealed_secret())
