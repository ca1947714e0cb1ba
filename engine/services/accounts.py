"""Accounts: creating users, the password policy, checking passwords (argon2id).

The policy follows NIST SP 800-63B-4 (§3.1.1.2) for passwords used as the only factor: at
least 15 characters, up to 128, any characters, no composition rules, and a check against
passwords that are known or easy to guess: the breached and common passwords, words,
names, keyboard patterns, dates, repeats and sequences that zxcvbn ships with (its lists
come from public password breaches), plus the account's own email and name.

argon2id runs with OWASP's parameters (19 MiB, 2 passes, 1 lane): about a fifth of the
CPU of argon2-cffi's defaults, so a burst of logins before an exam leaves the workers free;
a hash made with other parameters is remade at the next successful login.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.domain.text import N_, Message
from engine.models import Role, User

MIN_LENGTH = 15
MAX_LENGTH = 128
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class PasswordPolicyError(ValueError):
    """A password the policy refuses; ``problems`` are Messages for the user."""

    def __init__(self, problems: list[Message]):
        self.problems = problems
        super().__init__(" ".join(str(p) for p in problems))


def password_problems(password: str, *, email: str = "", name: str = "") -> list[Message]:
    """Why a new password is refused (empty: it is accepted)."""
    if len(password) < MIN_LENGTH:
        return [Message(N_("Use at least %(n)d characters: a few words with spaces work "
                           "well."), n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [Message(N_("Use at most %(n)d characters."), n=MAX_LENGTH)]
    from zxcvbn import zxcvbn

    hints = [email, email.split("@")[0], *name.split(), "outcome", "engine", "asiel",
             "asylum", "opvang", "reception", "fedasil", "cgvs", "euaa"]
    result = zxcvbn(password[:100], user_inputs=[h for h in hints if h])
    if result["score"] < 3:
        return [Message(N_("This password is too easy to guess: it is a known or common "
                           "password, or built from your name or email, a word, a date, a "
                           "keyboard pattern or repeats. Choose a few unrelated words."))]
    return []


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise PasswordPolicyError(problems)
# Verifying against this when the account does not exist keeps the timing the same.
_DUMMY_HASH = _hasher.hash("not a password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, *, email: str, name: str, password: str,
                role: str = Role.LEARNER.value, organisation: str | None = None) -> User:
    """Create an account; the email is case-insensitive and must be new."""
    email = email.strip().lower()
    if role not in {r.value for r in Role}:
        raise ValueError(f"Unknown role {role!r}.")
    check_password(password, email=email, name=name)
    if session.scalar(select(User).where(func.lower(User.email) == email)):
        raise ValueError(f"An account for {email} exists already.")
    user = User(email=email, name=name.strip(), role=role, organisation=organisation,
                password_hash=hash_password(password))
    session.add(user)
    session.commit()
    return user


def ensure_user(session: Session, *, email: str, name: str, password: str, role: str) -> User:
    """The account with this email, created when missing (for demo data; idempotent)."""
    user = session.scalar(select(User).where(User.email == email.lower()))
    return user or create_user(session, email=email, name=name, password=password, role=role)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(session: Session, user: User, new: str, *,
                    keep_session: str | None = None) -> None:
    """Set a new password (the caller checked the current one, braked: see
    logins.check_password_again); every other session of the user ends. Raises
    PasswordPolicyError."""
    check_password(new, email=user.email, name=user.name)
    from engine.services import audit, sessions

    user.password_hash = hash_password(new)
    sessions.close_all(session, user.id, keep=keep_session)
    audit.record(session, actor=user.email, action="password-change", subject=user.email)
    session.commit()


def set_active(session: Session, user: User, active: bool, *, by: User | None = None) -> None:
    """Deactivate (every session ends) or reactivate an account."""
    from engine.services import audit, sessions

    user.active = active
    if not active:
        sessions.close_all(session, user.id)
    audit.record(session, actor=by.email if by else "system",
                 action="account-deactivate" if not active else "account-activate",
                 subject=user.email)
    session.commit()


def set_role(session: Session, user: User, role: str, *, by: User | None = None) -> None:
    """Change a user's role; their sessions end, so the new rights apply at once."""
    from engine.services import audit, sessions

    if role not in {r.value for r in Role}:
        raise ValueError(f"Unknown role {role!r}.")
    before, user.role = user.role, role
    sessions.close_all(session, user.id)
    audit.record(session, actor=by.email if by else "system", action="role-change",
                 subject=user.email, data={"from": before, "to": role})
    session.commit()
