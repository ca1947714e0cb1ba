"""The Ed25519 key ring that signs credentials: private keys live in a folder, never in the
database.

Layout of the folder (``KEYS_PATH``, default ``<instance>/keys``)::

    keys/
      current                  the kid of the key that signs new credentials
      20250115-3f9a1c2b7d4e.pem   one PKCS#8 PEM private key per kid, mode 0600

The first key is made on first use. Two workers starting at once may both make one; each
writes its key under a fresh kid and then *links* ``current`` into place, so exactly one wins,
and the loser removes its unused key and reads the winner's. ``rotate()`` makes a new current
key and keeps the old ones, so everything signed before a rotation still verifies. Key files
are never rewritten once made, which lets a ring cache loaded keys by kid.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# A kid names a file: it must never carry a path (kids also arrive in untrusted JWT headers).
KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CURRENT = "current"


class KeyRingError(RuntimeError):
    """The key folder cannot be used (unreadable key, broken ``current`` file)."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _new_kid() -> str:
    return f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(6)}"


class KeyRing:
    """The signing keys in one folder. Cheap to create; safe to share between threads."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._private: dict[str, Ed25519PrivateKey] = {}

    # -- reading ---------------------------------------------------------------------------
    def kids(self) -> list[str]:
        """Every kid in the ring, oldest first (kids start with their creation date)."""
        if not self.path.is_dir():
            return []
        found = [p.stem for p in self.path.glob("*.pem") if KID_PATTERN.match(p.stem)]
        return sorted(found, key=lambda kid: (self._created(kid), kid))

    def _created(self, kid: str) -> float:
        try:
            return (self.path / f"{kid}.pem").stat().st_mtime
        except OSError:
            return 0.0

    def current_kid(self) -> str:
        """The kid that signs new credentials; makes the first key when there is none."""
        path = self.path / CURRENT
        if not path.exists():
            self._create_first()
        kid = path.read_text(encoding="ascii").strip()
        if not KID_PATTERN.match(kid) or not (self.path / f"{kid}.pem").is_file():
            raise KeyRingError(f"{path} names {kid!r}, which is not a key in {self.path}.")
        return kid

    def private_key(self, kid: str) -> Ed25519PrivateKey | None:
        """The private key of a kid, or None when the ring has no such key."""
        if not isinstance(kid, str) or not KID_PATTERN.match(kid):
            return None
        key = self._private.get(kid)
        if key is not None:
            return key
        path = self.path / f"{kid}.pem"
        if not path.is_file():
            return None
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise KeyRingError(f"{path} is not a readable private key: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyRingError(f"{path} is not an Ed25519 key.")
        self._private[kid] = key
        return key

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        key = self.private_key(kid)
        return key.public_key() if key is not None else None

    def current(self) -> tuple[str, Ed25519PrivateKey]:
        """(kid, private key) of the key that signs now."""
        kid = self.current_kid()
        key = self.private_key(kid)
        if key is None:  # removed between the two reads
            raise KeyRingError(f"The current key {kid!r} disappeared from {self.path}.")
        return kid, key

    def jwks(self) -> dict:
        """The public keys as a JWK Set (RFC 7517; OKP keys per RFC 8037), current key first."""
        kids = self.kids()
        if not kids:
            self.current_kid()
            kids = self.kids()
        current = self.current_kid()
        ordered = [current] + [kid for kid in reversed(kids) if kid != current]
        return {"keys": [self.jwk(kid) for kid in ordered]}

    def jwk(self, kid: str) -> dict:
        public = self.public_key(kid)
        if public is None:
            raise KeyRingError(f"No key {kid!r} in {self.path}.")
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw), "kid": kid, "use": "sig",
                "alg": "EdDSA"}

    # -- writing ---------------------------------------------------------------------------
    def _folder(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(self.path, 0o700)
        except OSError:  # a folder we may not chmod (mounted secret) is still usable
            pass

    def _write_key(self) -> str:
        """A new private key under a new kid; the file is created exclusively, mode 0600."""
        self._folder()
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        while True:
            kid = _new_kid()
            try:
                fd = os.open(self.path / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            self._private[kid] = key
            return kid

    def _temporary_current(self, kid: str) -> Path:
        tmp = self.path / f".{CURRENT}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(kid + "\n")
        return tmp

    def _create_first(self) -> None:
        kid = self._write_key()
        tmp = self._temporary_current(kid)
        try:
            os.link(tmp, self.path / CURRENT)
        except FileExistsError:  # another worker won: its key is the first one
            (self.path / f"{kid}.pem").unlink(missing_ok=True)
            self._private.pop(kid, None)
        finally:
            tmp.unlink(missing_ok=True)

    def rotate(self) -> str:
        """Make a new current key; the old keys stay to verify what they signed. Returns the
        new kid."""
        if not (self.path / CURRENT).exists():
            self._create_first()
        kid = self._write_key()
        tmp = self._temporary_current(kid)
        os.replace(tmp, self.path / CURRENT)  # atomic: readers see the old or the new kid
        return kid


def keys_path(app) -> str:
    """The configured key folder, or ``keys`` in the app's instance folder."""
    return app.config.get("KEYS_PATH") or os.path.join(app.instance_path, "keys")


def keyring_for(app) -> KeyRing:
    """The app's key ring, made once per app."""
    ring = app.extensions.get("oe_keyring")
    if ring is None or str(ring.path) != str(Path(keys_path(app))):
        ring = app.extensions["oe_keyring"] = KeyRing(keys_path(app))
    return ring


def register_key_commands(app) -> None:
    """``flask --app wsgi keys rotate`` and ``flask --app wsgi keys list``."""
    import click

    @app.cli.group("keys")
    def keys_group():
        """The keys that sign Open Badges credentials."""

    @keys_group.command("rotate")
    def keys_rotate():
        """Make a new signing key; credentials signed by older keys keep verifying."""
        ring = keyring_for(app)
        old = ring.current_kid()
        kid = ring.rotate()
        from engine.db import get_db
        from engine.services import audit

        session = get_db().session()
        audit.record(session, actor="command line", action="key-rotation", subject=kid,
                     data={"previous": old})
        session.commit()
        click.echo(f"New signing key {kid} (was {old}); {len(ring.kids())} keys in "
                   f"{ring.path}.")

    @keys_group.command("list")
    def keys_list():
        """Every key in the ring; the current one is marked."""
        ring = keyring_for(app)
        current = ring.current_kid()
        for kid in ring.kids():
            mark = "*" if kid == current else " "
            click.echo(f"{mark} {kid}  {ring.jwk(kid)['x']}")
