"""Accounts: creating users and checking passwords (argon2)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import Role, User

_hasher = PasswordHasher()
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
    if len(password) < 8:
        raise ValueError("A password needs at least 8 characters.")
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
