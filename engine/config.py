"""Configuration: defaults, the testing profile, and overrides from the environment.

Every setting can be given as an environment variable of the same name prefixed with
``OE_`` (``OE_THEME=default``); ``DATABASE_URL`` and ``SECRET_KEY`` are also read bare,
because that is what hosting platforms set.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    "SECRET_KEY": None,  # generated once and kept in the instance folder when not given
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "ITEM_BANK_PATH": str(ROOT / "item_bank"),
    "THEMES_PATH": str(ROOT / "themes"),
    "THEME": "default",
    "PLUGINS_AUTOLOAD": True,  # load third-party plugins from the entry-point group
    "PLUGINS_DISABLED": [],  # plugin names (built-in or third-party) to leave out
    "TRACE_HOOKS": False,  # print every hook call (debugging plugins)
    "CHECK_MIGRATIONS": True,  # refuse to start on a database that is not at the latest revision
    "LANGUAGES": ["en", "nl", "fr"],
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "engine" / "translations"),
    "BASE_URL": None,  # public address used in certificates; None: taken from the request
    "KEYS_PATH": None,  # folder of the credential signing keys; None: <instance>/keys
    "ISSUER_NAME": "Outcome Engine",  # issuer profile name in Open Badges credentials
    "ISSUER_URL": None,  # issuer profile id and url; None: the request's host
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # A CSRF token lives as long as the session: a long exam must not lose its token.
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # an item-bank import can be large
    # Uploaded images for item content: the largest file accepted, in bytes.
    "MEDIA_MAX_BYTES": 2 * 1024 * 1024,
    # Imports with more items than this are written by the background job, with progress.
    "IMPORT_INLINE_LIMIT": 100,
    # Public verification: requests per client address (Flask-Limiter syntax).
    "VERIFY_RATE_LIMIT": "60 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
}

TESTING: dict[str, object] = {
    "TESTING": True,
    "SECRET_KEY": "testing",
    "PLUGINS_AUTOLOAD": False,
}

_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False,
         "no": False, "off": False, "": False}


def _coerce(default: object, raw: str) -> object:
    if isinstance(default, bool):
        try:
            return _BOOL[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"expected a yes/no value, got {raw!r}") from None
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(default, int):
        return int(raw)
    return raw


def from_environment(environ: os._Environ | dict | None = None) -> dict[str, object]:
    """Settings given in the environment, coerced to the type of their default."""
    environ = os.environ if environ is None else environ
    found: dict[str, object] = {}
    for key, default in DEFAULTS.items():
        for name in (f"OE_{key}", key if key in ("DATABASE_URL", "SECRET_KEY") else None):
            if name and name in environ:
                try:
                    found[key] = _coerce(default, environ[name])
                except ValueError as exc:
                    raise RuntimeError(f"Setting {name}: {exc}") from None
                break
    return found


def database_url(config: dict, instance_path: str) -> str:
    """The configured database URL, or the embedded SQLite database in the instance folder."""
    url = config.get("DATABASE_URL")
    if url:
        # Accept the plain scheme that hosting platforms hand out and use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    os.makedirs(instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(instance_path, "outcome-engine.sqlite3")


def secret_key(instance_path: str) -> str:
    """A stable secret key kept in the instance folder, so sessions survive restarts."""
    os.makedirs(instance_path, exist_ok=True)
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # Write to a private temporary file and link it into place: two workers starting at
        # once both succeed, and both read the one key that won.
        tmp = path.with_name(f".secret_key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
