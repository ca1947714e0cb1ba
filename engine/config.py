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
    # The public address (scheme, host, port, path) of the app. Credentials, status lists,
    # QR codes, e-mails and the trusted host names come from it, never from the request.
    # Required outside development and tests.
    "BASE_URL": None,
    "DEVELOPMENT": False,  # allows starting without BASE_URL (http://127.0.0.1:5000 then)
    "TRUSTED_HOSTS_EXTRA": [],  # host names served besides BASE_URL's (comma-separated)
    "PROXY_COUNT": 0,  # reverse proxies in front that set X-Forwarded-For/-Proto
    "KEYS_PATH": None,  # folder of the credential signing keys; None: <instance>/keys
    "ISSUER_NAME": "Outcome Engine",  # issuer profile name in Open Badges credentials
    "ISSUER_URL": None,  # issuer profile id and url; None: BASE_URL
    # Sessions (server-side, engine.services.sessions) and their cookie.
    "SESSION_IDLE_MINUTES": 30,  # ended after this long without a request
    "SESSION_MAX_HOURS": 12,  # ended this long after logging in, whatever happens
    "SESSION_COOKIE_NAME": "oe_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: yes when BASE_URL is https
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    # Security headers (engine.web.security): HSTS when BASE_URL is https.
    "HSTS_SECONDS": 31536000,
    # A CSRF token lives as long as the session: a long exam must not lose its token.
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # an item-bank import can be large
    # Uploaded images for item content: the largest file accepted, in bytes.
    "MEDIA_MAX_BYTES": 2 * 1024 * 1024,
    # Imports with more items than this are written by the background job, with progress.
    "IMPORT_INLINE_LIMIT": 100,
    # Public verification and uploads: requests per client address (Flask-Limiter syntax),
    # counted in the database (shared by every worker and machine), or in Redis when
    # RATELIMIT_STORAGE_URI names one (redis://host:6379/0).
    "VERIFY_RATE_LIMIT": "60 per minute",
    "UPLOAD_RATE_LIMIT": "30 per minute",
    "RATELIMIT_STORAGE_URI": None,
    # The largest lesson or item text (Markdown, characters): rendering is cached per text.
    "MARKDOWN_MAX_CHARS": 200_000,
}

TESTING: dict[str, object] = {
    "TESTING": True,
    "SECRET_KEY": "testing",
    "PLUGINS_AUTOLOAD": False,
}

#: the type of settings whose default is None (the environment gives text)
TYPES: dict[str, type] = {"SESSION_COOKIE_SECURE": bool, "SESSION_COOKIE_DOMAIN": str,
                          "SESSION_COOKIE_PATH": str, "BASE_URL": str, "ISSUER_URL": str,
                          "RATELIMIT_STORAGE_URI": str}

_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False,
         "no": False, "off": False, "": False}


def _coerce(default: object, raw: str, key: str = "") -> object:
    if default is None and TYPES.get(key) is bool:
        default = False
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
                    found[key] = _coerce(default, environ[name], key)
                except ValueError as exc:
                    raise RuntimeError(f"Setting {name}: {exc}") from None
                break
    return found


def apply_derived(config: dict) -> None:
    """Settings that follow from others: the base URL in development, the trusted hosts,
    the cookie's Secure flag. Raises RuntimeError when the app may not start so."""
    from urllib.parse import urlsplit

    if not config.get("BASE_URL"):
        if not (config.get("DEVELOPMENT") or config.get("TESTING")):
            raise RuntimeError(
                "Set OE_BASE_URL to the public address of this installation (for example "
                "https://learning.example.org): certificates, status lists, QR codes and "
                "e-mails carry it, and only its host name is served. `make run` sets it; set "
                "OE_DEVELOPMENT=1 to try the app without it.")
        config["BASE_URL"] = "http://127.0.0.1:5000" if not config.get("TESTING") \
            else "http://localhost"
    base = urlsplit(config["BASE_URL"])
    if base.scheme not in ("http", "https") or not base.hostname:
        raise RuntimeError(f"OE_BASE_URL must be an http(s) address, not {config['BASE_URL']!r}.")
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = base.scheme == "https"
    if "TRUSTED_HOSTS" not in config or config["TRUSTED_HOSTS"] is None:
        if not config.get("TESTING"):
            hosts = [base.hostname, *config.get("TRUSTED_HOSTS_EXTRA", [])]
            config["TRUSTED_HOSTS"] = list(dict.fromkeys(hosts))


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
