"""A brake on password guessing (ASVS V2.2.1), kept in the database so that every worker
and machine applies the same count.

Failed logins are counted per account (the email as typed, whether an account exists or
not, so the brake tells nothing about which accounts exist) and per client address, within
a window. After ``FREE`` failures each new try must wait longer (1, 2, 4 … seconds, at most
``MAX_DELAY``); after ``LOCK_AFTER`` failures the key is locked for ``LOCK_FOR``, even for
the right password. A successful login clears the account's count, not the address's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.models import LoginThrottle, utcnow

WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Policy:
    free: int  # failures before tries must wait
    lock_after: int  # failures that lock the key
    max_delay: int  # seconds


ACCOUNT = Policy(free=3, lock_after=10, max_delay=60)
ADDRESS = Policy(free=20, lock_after=100, max_delay=10)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait_seconds: int = 0
    locked: bool = False


def account_key(email: str) -> str:
    return "account:" + (email or "").strip().lower()[:254]


def address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:64]


def _policy(key: str) -> Policy:
    return ACCOUNT if key.startswith("account:") else ADDRESS


def _row(session: Session, key: str, now: datetime) -> LoginThrottle | None:
    row = session.get(LoginThrottle, key, populate_existing=True)
    if row is not None and row.last_failure_at is not None \
            and now - row.last_failure_at > WINDOW \
            and (row.locked_until is None or row.locked_until <= now):
        row.failures, row.first_failure_at, row.locked_until = 0, None, None
    return row


def check(session: Session, keys: list[str], now: datetime | None = None) -> Verdict:
    """Whether a login may be tried now for all these keys, or how long to wait."""
    now = now or utcnow()
    wait, locked = 0, False
    for key in keys:
        row = _row(session, key, now)
        if row is None or not row.failures:
            continue
        if row.locked_until is not None and row.locked_until > now:
            wait = max(wait, int((row.locked_until - now).total_seconds()) + 1)
            locked = True
            continue
        policy = _policy(key)
        if row.failures >= policy.free:
            delay = min(2 ** (row.failures - policy.free), policy.max_delay)
            ready = row.last_failure_at + timedelta(seconds=delay)
            if ready > now:
                wait = max(wait, int((ready - now).total_seconds()) + 1)
    return Verdict(allowed=wait == 0, wait_seconds=wait, locked=locked)


def failed(session: Session, keys: list[str], now: datetime | None = None) -> bool:
    """Count a failed login for every key; True when this failure locked one of them.
    The caller commits."""
    now = now or utcnow()
    locked = False
    for key in keys:
        row = _row(session, key, now)
        if row is None:
            try:
                with session.begin_nested():
                    row = LoginThrottle(key=key, failures=0)
                    session.add(row)
            except IntegrityError:  # another worker counted the first failure meanwhile
                row = _row(session, key, now)
        row.failures = (row.failures or 0) + 1
        row.first_failure_at = row.first_failure_at or now
        row.last_failure_at = now
        if row.failures >= _policy(key).lock_after and (
                row.locked_until is None or row.locked_until <= now):
            row.locked_until = now + LOCK_FOR
            locked = True
    return locked


def succeeded(session: Session, email: str) -> None:
    """A right password clears the account's count (the caller commits)."""
    row = session.get(LoginThrottle, account_key(email))
    if row is not None:
        session.delete(row)


def unlock(session: Session, email: str) -> None:
    """An administrator lifts an account's lock."""
    succeeded(session, email)
    session.commit()
