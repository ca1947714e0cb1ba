"""The audit log of certification: append-only, each entry chained to the one before by a
SHA-256 hash over its content, so that changing or removing an entry is detected by
``check`` (``flask --app wsgi audit check``).

``record`` adds an entry inside the caller's transaction: the issue (or revocation) and its
audit entry are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine.models import AuditEntry, utcnow

GENESIS = "0" * 64


def entry_hash(prev_hash: str, at: str, actor: str, action: str, subject: str, reason: str,
               data: dict) -> str:
    blob = json.dumps([prev_hash, at, actor, action, subject, reason, data], sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _stamp(moment) -> str:
    return moment.isoformat(timespec="microseconds")


def record(session: Session, *, actor: str, action: str, subject: str, reason: str = "",
           data: dict | None = None) -> AuditEntry:
    """Append an entry (the caller commits). Appends are serialised so the chain is linear:
    PostgreSQL locks the table; SQLite takes its write lock (a no-op write) before the last
    entry is read, so no other process can append in between. A unique index on
    ``prev_hash`` refuses a fork, should anything get past both."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
    else:
        session.execute(text("UPDATE audit_log SET id = id WHERE id < 0"))
    last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    prev = last.hash if last else GENESIS
    at = utcnow()
    data = data or {}
    actor, action, subject = actor[:254], action[:40], subject[:120]
    entry = AuditEntry(at=at, actor=actor, action=action, subject=subject, reason=reason,
                       data=data, prev_hash=prev,
                       hash=entry_hash(prev, _stamp(at), actor, action, subject, reason, data))
    session.add(entry)
    session.flush()
    return entry


def check(session: Session) -> list[str]:
    """Problems in the chain: an entry whose content no longer matches its hash (changed),
    or whose predecessor is not the entry before it (removed or inserted)."""
    problems = []
    prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev:
            problems.append(f"entry {entry.id}: the entry before it was removed or changed "
                            f"(expected previous hash {prev[:12]}…, found "
                            f"{entry.prev_hash[:12]}…)")
        expected = entry_hash(entry.prev_hash, _stamp(entry.at), entry.actor, entry.action,
                              entry.subject, entry.reason, entry.data)
        if expected != entry.hash:
            problems.append(f"entry {entry.id} ({entry.action} {entry.subject}): its content "
                            "does not match its hash: it was changed")
        prev = entry.hash
    return problems


#: actions of the security events (the rest are certification's: issue, revoke, renew...)
SECURITY_ACTIONS = ("login", "login-failed", "login-refused", "login-locked", "logout",
                    "password-check-failed",
                    "logout-everywhere", "password-change", "role-change",
                    "account-deactivate", "account-activate", "export", "erasure",
                    "key-rotation")


def entries(session: Session, limit: int = 200, *, action: str | None = None,
            kind: str | None = None, who: str | None = None) -> list[AuditEntry]:
    """The newest entries, filtered by action, by kind (``security`` or ``certification``)
    and by a text in the actor or the subject."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if kind == "security":
        query = query.where(AuditEntry.action.in_(SECURITY_ACTIONS))
    elif kind == "certification":
        query = query.where(AuditEntry.action.not_in(SECURITY_ACTIONS))
    if who:
        like = f"%{who.lower()}%"
        query = query.where((func.lower(AuditEntry.actor).like(like))
                            | (func.lower(AuditEntry.subject).like(like)))
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


def actions(session: Session) -> list[str]:
    return sorted(session.scalars(select(AuditEntry.action).distinct()))
