"""A brake on password guessing (ASVS V2.2.1), kept in the database so that every worker
and machine applies the same count.

Each login try is counted, before the password is checked, under three keys: the account
(the email as typed, whether an account exists or not, so the brake tells nothing about
which accounts exist), the client address, and the pair of both. Counting first, with one
atomic upsert per key, means a burst of parallel tries cannot slip past the count: once a
key is over its limit, further tries are refused without looking at the password.

- Per account: after ``FREE`` failures each try waits longer (1, 2, 4 … seconds, at most a
  minute). No hard lock per account alone: otherwise anyone could lock anyone out by typing
  their email ten times.
- Per account and address: locked for ``LOCK_FOR`` after ``LOCK_AFTER`` failures, right
  password or not. The attacker is stopped; the owner, from another address, is not.
- Per address: locked after many failures over any accounts (password spraying).

A successful login clears the account's and the pair's counts, not the address's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine.models import LoginThrottle, utcnow

WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Policy:
    free: int  # failures before tries must wait
    lock_after: int | None  # failures that lock the key (None: never locked)
    max_delay: int  # seconds


ACCOUNT = Policy(free=3, lock_after=None, max_delay=60)
PAIR = Policy(free=3, lock_after=10, max_delay=60)
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


def pair_key(email: str, address: str | None) -> str:
    return f"pair:{(address or 'unknown')[:64]}|{(email or '').strip().lower()[:220]}"


def keys_for(email: str, address: str | None) -> list[str]:
    return [account_key(email), pair_key(email, address), address_key(address)]


def _policy(key: str) -> Policy:
    return ACCOUNT if key.startswith("account:") else \
        PAIR if key.startswith("pair:") else ADDRESS


def _stale(row: LoginThrottle, now: datetime) -> bool:
    return row.last_failure_at is not None and now - row.last_failure_at > WINDOW and (
        row.locked_until is None or row.locked_until <= now)


def check(session: Session, keys: list[str], now: datetime | None = None) -> Verdict:
    """Whether a try may be made now for all these keys, or how long to wait."""
    now = now or utcnow()
    wait, locked = 0, False
    for key in keys:
        row = session.get(LoginThrottle, key, populate_existing=True)
        if row is None or not row.failures or _stale(row, now):
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


def _upsert(session: Session, key: str, now: datetime) -> int:
    """Add one try to a key's count in one statement (a fresh window starts at 1); the new
    count. Typed with the model's columns, so dates are stored as the ORM stores them."""
    from sqlalchemy import case
    from sqlalchemy.dialects import postgresql, sqlite

    table = LoginThrottle.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stale = (table.c.last_failure_at < now - WINDOW) & (
        table.c.locked_until.is_(None) | (table.c.locked_until <= now))
    statement = insert.values(key=key, failures=1, first_failure_at=now,
                              last_failure_at=now).on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((stale, 1), else_=table.c.failures + 1),
              "first_failure_at": case((stale, now), else_=table.c.first_failure_at),
              "locked_until": case((table.c.locked_until <= now, None),
                                   else_=table.c.locked_until),
              "last_failure_at": now}).returning(table.c.failures)
    return int(session.execute(statement).scalar_one())


def count_try(session: Session, keys: list[str], now: datetime | None = None) -> Verdict:
    """Count one try under every key, atomically, before the password is checked; refuse
    it when a key went over its limit (that key is then locked). The caller commits."""
    now = now or utcnow()
    locked = False
    for key in keys:
        count = _upsert(session, key, now)
        policy = _policy(key)
        if policy.lock_after is not None and count > policy.lock_after:
            row = session.get(LoginThrottle, key, populate_existing=True)
            if row.locked_until is None or row.locked_until <= now:
                row.locked_until = now + LOCK_FOR
            locked = True
    if random.random() < 0.01:  # forget counts long past
        session.execute(delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - WINDOW - LOCK_FOR))
    if locked:
        return Verdict(allowed=False, wait_seconds=int(LOCK_FOR.total_seconds()),
                       locked=True)
    return Verdict(allowed=True)


def locked_now(session: Session, keys: list[str], now: datetime | None = None) -> bool:
    """Whether the failure just counted reached a lock (the try was the last allowed)."""
    now = now or utcnow()
    for key in keys:
        policy = _policy(key)
        row = session.get(LoginThrottle, key, populate_existing=True)
        if row is not None and policy.lock_after is not None \
                and row.failures >= policy.lock_after and row.locked_until is None:
            row.locked_until = now + LOCK_FOR
            return True
    return False


def succeeded(session: Session, email: str, address: str | None) -> None:
    """A right password clears the account's and the pair's counts, and takes the try back
    from the address's count (a room of learners behind one address logs in at once; only
    their failures count there). The caller commits."""
    from sqlalchemy import update

    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(
        [account_key(email), pair_key(email, address)])))
    session.execute(update(LoginThrottle).where(
        LoginThrottle.key == address_key(address), LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1))


def unlock(session: Session, email: str) -> None:
    """An administrator lifts an account's brake and locks, from every address."""
    session.execute(delete(LoginThrottle).where(
        (LoginThrottle.key == account_key(email))
        | LoginThrottle.key.like("pair:%|" + (email or "").strip().lower()[:220])))
    session.commit()
