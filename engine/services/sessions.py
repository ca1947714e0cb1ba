"""Sessions held on the server (ASVS V3).

The browser's cookie carries a random token; the database keeps its SHA-256 hash, when the
session started, when it was last used and when it must end. A session ends when the user
logs out, changes their password, is deactivated or logged out everywhere by an
administrator, after ``idle`` without a request, and at its absolute limit, whatever the
cookie says: a cookie copied before logging out opens nothing afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.models import User, UserSession, utcnow

#: last_seen_at is written at most this often (saves a write on every autosave)
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, *, lifetime: timedelta,
                 ip: str | None = None, user_agent: str | None = None) -> str:
    """A new session for ``user``; returns the token for the cookie (the caller commits)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(UserSession(token_hash=_hash(token), user_id=user.id, created_at=now,
                            last_seen_at=now, expires_at=now + lifetime,
                            ip=(ip or "")[:45] or None,
                            user_agent=(user_agent or "")[:200] or None))
    return token


def valid(session: Session, token: str | None, user_id: int, *, idle: timedelta,
          now: datetime | None = None) -> UserSession | None:
    """The live session of this token and user, touched; None when it ended."""
    if not token:
        return None
    now = now or utcnow()
    found = session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if (found is None or found.user_id != user_id or found.revoked_at is not None
            or now >= found.expires_at or now - found.last_seen_at > idle):
        return None
    if now - found.last_seen_at > TOUCH_EVERY:
        found.last_seen_at = now
        session.commit()
    return found


def close(session: Session, token: str | None) -> None:
    """End the session of this token (logging out)."""
    if token:
        session.execute(update(UserSession).where(UserSession.token_hash == _hash(token),
                                                  UserSession.revoked_at.is_(None))
                        .values(revoked_at=utcnow()))
        session.commit()


def close_all(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every session of a user (but the one of ``keep``); the caller commits."""
    query = update(UserSession).where(UserSession.user_id == user_id,
                                      UserSession.revoked_at.is_(None))
    if keep:
        query = query.where(UserSession.token_hash != _hash(keep))
    return session.execute(query.values(revoked_at=utcnow())).rowcount


def live_sessions(session: Session, user_id: int, *, idle: timedelta) -> list[UserSession]:
    """A user's sessions that have not ended, newest first."""
    now = utcnow()
    return [s for s in session.scalars(select(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None),
        UserSession.expires_at > now).order_by(UserSession.last_seen_at.desc()))
        if now - s.last_seen_at <= idle]


def is_current(found: UserSession, token: str | None) -> bool:
    return bool(token) and found.token_hash == _hash(token)


def purge(session: Session, *, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget sessions that ended more than ``older_than`` ago."""
    from sqlalchemy import delete, or_

    cutoff = utcnow() - older_than
    removed = session.execute(delete(UserSession).where(or_(
        UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff))).rowcount
    session.commit()
    return removed


# -- what was typed when the session ended ---------------------------------------------------

KEEP_FORMS_FOR = timedelta(hours=1)


def keep_form(session: Session, user_id: int, path: str, fields: list[list[str]]) -> str:
    """Keep a form posted after the user's session ended; returns the token that gives it
    back (to the same user, within the hour)."""
    from sqlalchemy import delete

    from engine.models import PendingForm

    # One kept form per user and page, a few per user, none older than the hour: a stale
    # cookie cannot fill the database.
    session.execute(delete(PendingForm).where(
        (PendingForm.created_at < utcnow() - KEEP_FORMS_FOR)
        | ((PendingForm.user_id == user_id) & (PendingForm.path == path[:500]))))
    older = list(session.scalars(select(PendingForm.id).where(
        PendingForm.user_id == user_id).order_by(PendingForm.id.desc()).offset(4)))
    if older:
        session.execute(delete(PendingForm).where(PendingForm.id.in_(older)))
    token = secrets.token_urlsafe(24)
    session.add(PendingForm(token_hash=_hash(token), user_id=user_id, path=path[:500],
                            fields=fields))
    session.commit()
    return token


def take_form(session: Session, token: str | None, user_id: int, path: str
              ) -> list[list[str]] | None:
    """The kept form of this token for this user and page, once; None otherwise."""
    from sqlalchemy import delete

    from engine.models import PendingForm

    if not token:
        return None
    found = session.scalar(select(PendingForm).where(PendingForm.token_hash == _hash(token)))
    if found is None or found.user_id != user_id or found.path != path \
            or utcnow() - found.created_at > KEEP_FORMS_FOR:
        return None
    fields = found.fields
    session.delete(found)
    session.execute(delete(PendingForm).where(
        PendingForm.created_at < utcnow() - KEEP_FORMS_FOR))
    session.commit()
    return fields
