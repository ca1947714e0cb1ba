"""Logging in and out as one use case: the brake on guessing, the password check, the
server-side session and the security events in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from engine.models import User
from engine.services import accounts, audit, sessions, throttle


@dataclass
class LoginResult:
    user: User | None = None
    token: str | None = None  # for the session cookie
    wait_seconds: int = 0  # when the brake refused the try
    locked: bool = False


def log_in(session: Session, email: str, password: str, *, ip: str | None,
           user_agent: str | None, lifetime: timedelta) -> LoginResult:
    """Check the brake and count the try, then the password; on success open a session.
    Logins, failed logins and lockouts are audit entries (tries the brake refuses are not:
    they check no password, and anyone can send any number of them)."""
    email = (email or "").strip()[:254]
    keys = throttle.keys_for(email, ip)
    verdict = throttle.check(session, keys)
    if not verdict.allowed:
        return LoginResult(wait_seconds=verdict.wait_seconds, locked=verdict.locked)
    reserved = throttle.count_try(session, keys)  # counted before the password is checked
    if not reserved.allowed:
        session.commit()
        return LoginResult(wait_seconds=reserved.wait_seconds, locked=True)
    user = accounts.authenticate(session, email, password)
    if user is None:
        locked = throttle.locked_now(session, keys)
        audit.record(session, actor=email or "?", action="login-failed", subject=email,
                     data={"ip": ip})
        if locked:
            audit.record(session, actor="system", action="login-locked", subject=email,
                         data={"ip": ip, "minutes": int(throttle.LOCK_FOR.total_seconds() // 60)})
        session.commit()
        return LoginResult(locked=locked)
    throttle.succeeded(session, email, ip)
    token = sessions.open_session(session, user, lifetime=lifetime, ip=ip,
                                  user_agent=user_agent)
    audit.record(session, actor=user.email, action="login", subject=user.email,
                 data={"ip": ip})
    session.commit()
    return LoginResult(user=user, token=token)


def check_password_again(session: Session, user: User, password: str, *,
                         ip: str | None) -> bool | None:
    """The current password asked again (to change it): braked like a login. True when it
    is right, False when wrong, None when the brake refuses the try."""
    keys = throttle.keys_for(user.email, ip)
    if not throttle.check(session, keys).allowed:
        return None
    if not throttle.count_try(session, keys).allowed:
        session.commit()
        return None
    if accounts.password_matches(user, password):
        throttle.succeeded(session, user.email, ip)
        session.commit()
        return True
    throttle.locked_now(session, keys)
    audit.record(session, actor=user.email, action="password-check-failed",
                 subject=user.email, data={"ip": ip})
    session.commit()
    return False


def log_out(session: Session, user: User | None, token: str | None) -> None:
    sessions.close(session, token)
    if user is not None:
        audit.record(session, actor=user.email, action="logout", subject=user.email)
        session.commit()


def log_out_everywhere(session: Session, user: User, *, by: User) -> int:
    """End every session of ``user`` (an administrator, or the user themself)."""
    ended = sessions.close_all(session, user.id)
    audit.record(session, actor=by.email, action="logout-everywhere", subject=user.email,
                 data={"sessions": ended})
    session.commit()
    return ended
