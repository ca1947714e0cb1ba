"""Certification: issuing certificates from evidence, revoking and renewing them, and what
the public may verify. Every issue, revocation and renewal is written to the audit log in
the same transaction."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.text import N_
from engine.models import Attempt, Certificate, Outcome, Scheme, User, utcnow
from engine.plugins import Plugins
from engine.services import audit, eligibility

#: The reasons for a revocation that the public sees (the officer's own note stays internal).
PUBLIC_REASONS: dict[str, str] = {
    "withdrawn": N_("withdrawn by the issuer"),
    "issued_in_error": N_("issued in error"),
    "improperly_obtained": N_("obtained improperly"),
    "holder_request": N_("at the holder's request"),
    "superseded": N_("replaced by a newer certificate"),
}

# Crockford's base32 without look-alikes: easy to read aloud and to type from paper.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CertificationError(Exception):
    """The certificate cannot be issued, revoked or renewed (shown to the officer)."""


def new_public_id() -> str:
    """A random, unguessable certificate id like ``OE-7K3M-Q9TX-A2B4`` (60 bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "OE-" + "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def _add_months(moment: datetime, months: int) -> datetime:
    # Validity is counted in whole days so that no calendar arithmetic can fail (29 Feb).
    return moment + timedelta(days=round(months * 365.25 / 12))


def _actor(user: User | None) -> str:
    return user.email if user is not None else "system"


def current_certificate(session: Session, user: User, scheme: Scheme) -> Certificate | None:
    """The learner's certificate of this scheme that is in force, if any."""
    now = utcnow()
    for cert in session.scalars(select(Certificate).where(
            Certificate.user_id == user.id, Certificate.scheme_id == scheme.id,
            Certificate.revoked_at.is_(None)).order_by(Certificate.issued_at.desc())):
        if cert.expires_at is None or cert.expires_at > now:
            return cert
    return None


def issue(session: Session, scheme: Scheme, user: User, *, officer: User | None = None,
          sign_off: bool = False, batch_id: int | None = None,
          renewed_from: Certificate | None = None, attempt: Attempt | None = None,
          since: datetime | None = None) -> Certificate:
    """Issue a certificate of ``scheme`` to ``user`` if the evidence meets the scheme.

    Refused when a requirement is not met, when the scheme needs a sign-off that was not
    given, or when the learner already holds a certificate of the scheme in force (except
    for a renewal). Commits the certificate and its audit entry together."""
    check = eligibility.evaluate(session, user, scheme, since=since)
    if not check.eligible:
        missing = "; ".join(f"{r.label}: {r.missing}" for r in check.requirements
                            if not r.met and r.kind != "sign_off")
        raise CertificationError(f"{user.name} does not meet {scheme.title}: {missing}.")
    if (scheme.requires or {}).get("sign_off") and not (sign_off and officer):
        raise CertificationError(f"{scheme.title} needs an officer's sign-off.")
    if renewed_from is None and current_certificate(session, user, scheme) is not None:
        raise CertificationError(f"{user.name} already holds a valid {scheme.title}.")
    texts = {o.code: o.text for o in session.scalars(
        select(Outcome).where(Outcome.code.in_(scheme.outcomes)))}
    results = (attempt.outcome_results or {}) if attempt else {}
    evidence = {"requirements": check.snapshot(),
                "sign_off": _actor(officer) if sign_off else None}
    issued = utcnow()
    from engine.services.credentials import identity_hash

    salt = secrets.token_hex(8)  # the credential's identity hashes: stable per certificate
    identity = {"identity_salt": salt,
                "holder_email_hash": identity_hash("emailAddress", user.email, salt),
                "holder_name_hash": identity_hash("ext:holderName", user.name, salt)}
    for _ in range(5):  # the status index is the next free one; retry if taken meanwhile
        index = (session.scalar(select(func.max(Certificate.status_index))) or 0) + 1
        certificate = Certificate(
            public_id=new_public_id(), user_id=user.id, scheme_id=scheme.id,
            attempt_id=attempt.id if attempt else None, holder_name=user.name,
            scheme_title=scheme.title, eqf_level=scheme.eqf_level, scheme_version=scheme.version,
            outcomes=[{"code": code, "text": texts.get(code, ""),
                       "earned": results.get(code, {}).get("earned"),
                       "possible": results.get(code, {}).get("possible")}
                      for code in scheme.outcomes],
            issued_at=issued, evidence=evidence, status_index=index, batch_id=batch_id,
            issued_by_id=officer.id if officer else None,
            renewed_from_id=renewed_from.id if renewed_from else None, **identity,
            expires_at=_add_months(issued, scheme.validity_months) if scheme.validity_months
            else None)
        session.add(certificate)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            if batch_id is not None and session.scalar(select(Certificate).where(
                    Certificate.batch_id == batch_id, Certificate.user_id == user.id)):
                raise CertificationError("Already issued in this batch.") from None
            if attempt is not None and session.scalar(select(Certificate).where(
                    Certificate.attempt_id == attempt.id)):
                raise CertificationError("Already issued for this attempt.") from None
            continue
        audit.record(session, actor=_actor(officer),
                     action="renew" if renewed_from else "issue", subject=certificate.public_id,
                     reason=f"renewal of {renewed_from.public_id}" if renewed_from else "",
                     data={"holder": user.email, "scheme": scheme.uid,
                           "scheme_version": scheme.version, "batch": batch_id})
        session.commit()
        return certificate
    raise CertificationError("Could not allocate a status index; try again.")


def issue_for_attempt(session: Session, attempt: Attempt) -> Certificate | None:
    """The certificate a passed attempt earns, issued once; None when it earns none."""
    if not attempt.passed or not attempt.assessment.scheme_uid:
        return None
    existing = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    if existing is not None:
        return existing
    scheme = session.scalar(select(Scheme).where(Scheme.uid == attempt.assessment.scheme_uid))
    if scheme is None or not scheme.active or (scheme.requires or {}).get("sign_off"):
        return None  # a signed-off scheme is issued by an officer
    try:
        return issue(session, scheme, attempt.user, attempt=attempt)
    except CertificationError:
        session.rollback()
        return session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))


def revoke(session: Session, certificate: Certificate, officer: User, note: str = "",
           public_reason: str = "withdrawn") -> None:
    """Revoke a certificate. ``public_reason`` (one of PUBLIC_REASONS) is what verifiers
    see; ``note`` is the officer's own account, kept in the register and the audit log."""
    note = (note or "").strip()
    if public_reason not in PUBLIC_REASONS:
        raise CertificationError("Choose the reason the public will see.")
    if certificate.revoked_at is not None:
        raise CertificationError("This certificate was revoked already.")
    certificate.revoked_at, certificate.revoke_reason = utcnow(), note
    certificate.revoke_public_reason = public_reason
    audit.record(session, actor=_actor(officer), action="revoke",
                 subject=certificate.public_id, reason=note,
                 data={"holder": certificate.user_id, "scheme": certificate.scheme.uid,
                       "public_reason": public_reason})
    session.commit()


def renewable(certificate: Certificate, now: datetime | None = None) -> bool:
    """Inside the scheme's renewal window (before or after expiry) and not revoked."""
    if certificate.revoked_at is not None or certificate.expires_at is None:
        return False
    window = timedelta(days=((certificate.scheme.renewal or {}).get("window_days", 90)))
    now = now or utcnow()
    return certificate.expires_at - window <= now <= certificate.expires_at + window


def renew(session: Session, certificate: Certificate, officer: User) -> Certificate:
    """A new certificate linked to the old one, when the scheme's renewal rule is met:
    ``reassess`` (default) counts only evidence gathered since the old one was issued."""
    if not renewable(certificate):
        raise CertificationError("This certificate is not within its renewal window.")
    scheme = certificate.scheme
    rule = (scheme.renewal or {}).get("rule", "reassess")
    since = certificate.issued_at if rule == "reassess" else None
    return issue(session, scheme, certificate.user, officer=officer, renewed_from=certificate,
                 since=since, sign_off=True)


def expiring(session: Session, days: int) -> list[Certificate]:
    """Certificates in force that expire within ``days`` (for reminders)."""
    now = utcnow()
    return list(session.scalars(select(Certificate).where(
        Certificate.revoked_at.is_(None), Certificate.expires_at.is_not(None),
        Certificate.expires_at > now, Certificate.expires_at <= now + timedelta(days=days))
        .order_by(Certificate.expires_at)))


def certificates_of(session: Session, user: User) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                .order_by(Certificate.issued_at.desc())))


def all_certificates(session: Session) -> list[Certificate]:
    """Every certificate issued, newest first (for accreditation officers)."""
    return list(session.scalars(select(Certificate).order_by(Certificate.issued_at.desc())))


def get_certificate(session: Session, public_id: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.public_id == public_id.upper()))


def verification(certificate: Certificate | None, now: datetime | None = None) -> dict[str, Any]:
    """What the public may know of a certificate: status, holder, scheme, dates, outcomes."""
    if certificate is None:
        return {"status": "unknown"}
    now = now or utcnow()
    reason = certificate.revoke_public_reason if certificate.revoked_at else None
    return {
        "status": certificate.status(now),
        "id": certificate.public_id,
        "holder": certificate.holder_name,
        "holder_erased": certificate.user is not None and certificate.user.erased_at is not None,
        "scheme": certificate.scheme_title,
        "scheme_version": certificate.scheme_version,
        "eqf_level": certificate.eqf_level,
        "issued": certificate.issued_at.date().isoformat(),
        "expires": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "revoked": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "revoke_reason": reason,  # a PUBLIC_REASONS key; the officer's note stays internal
        "revoke_reason_text": PUBLIC_REASONS.get(reason) if reason else None,
        "outcomes": [{"code": o["code"], "text": o["text"]} for o in certificate.outcomes],
    }


def render(plugins: Plugins, certificate: Certificate, renderer: str,
           context: dict[str, Any]) -> bytes:
    """The certificate as a document from the named renderer plugin."""
    data = dict(context)
    data.update(verification(certificate))
    data["certificate"] = certificate
    return plugins.renderers.get(renderer).render(data)
