"""Certification: issuing certificates from passed assessments, rendering and verifying them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.models import Assessment, Attempt, Certificate, Outcome, Scheme, User, utcnow
from engine.plugins import Plugins

# Crockford's base32 without look-alikes: easy to read aloud and to type from paper.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_public_id() -> str:
    """A random, unguessable certificate id like ``OE-7K3M-Q9TX-A2B4`` (60 bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "OE-" + "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def _add_months(moment: datetime, months: int) -> datetime:
    # Validity is counted in whole days so that no calendar arithmetic can fail (29 Feb).
    return moment + timedelta(days=round(months * 365.25 / 12))


def requirements_met(session: Session, user: User, scheme: Scheme) -> bool:
    """Every assessment the scheme requires has a passed attempt by the user."""
    required = scheme.requires.get("assessments", [])
    passed = set(session.scalars(
        select(Assessment.uid).join(Attempt, Attempt.assessment_id == Assessment.id)
        .where(Attempt.user_id == user.id, Attempt.passed.is_(True),
               Assessment.uid.in_(required))))
    return set(required) <= passed


def issue_for_attempt(session: Session, attempt: Attempt) -> Certificate | None:
    """Issue the certificate a passed attempt earns, once; None when it earns none."""
    if not attempt.passed or not attempt.assessment.scheme_uid:
        return None
    existing = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    if existing is not None:
        return existing
    scheme = session.scalar(select(Scheme).where(Scheme.uid == attempt.assessment.scheme_uid))
    user = attempt.user
    if scheme is None or not requirements_met(session, user, scheme):
        return None
    texts = {o.code: o.text for o in session.scalars(
        select(Outcome).where(Outcome.code.in_(scheme.outcomes)))}
    results = attempt.outcome_results or {}
    outcomes = [{"code": code, "text": texts.get(code, ""),
                 "earned": results.get(code, {}).get("earned"),
                 "possible": results.get(code, {}).get("possible")}
                for code in scheme.outcomes]
    issued = utcnow()
    certificate = Certificate(
        public_id=new_public_id(), user_id=user.id, scheme_id=scheme.id, attempt_id=attempt.id,
        holder_name=user.name, scheme_title=scheme.title, eqf_level=scheme.eqf_level,
        outcomes=outcomes, issued_at=issued,
        expires_at=_add_months(issued, scheme.validity_months) if scheme.validity_months
        else None)
    session.add(certificate)
    try:
        session.commit()
    except IntegrityError:  # issued by a concurrent request for the same attempt
        session.rollback()
        return session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id))
    return certificate


def certificates_of(session: Session, user: User) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                .order_by(Certificate.issued_at.desc())))


def get_certificate(session: Session, public_id: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.public_id == public_id.upper()))


def verification(certificate: Certificate | None, now: datetime | None = None) -> dict[str, Any]:
    """What the public may know of a certificate: status, holder, scheme, dates, outcomes."""
    if certificate is None:
        return {"status": "unknown"}
    now = now or utcnow()
    return {
        "status": certificate.status(now),
        "id": certificate.public_id,
        "holder": certificate.holder_name,
        "scheme": certificate.scheme_title,
        "eqf_level": certificate.eqf_level,
        "issued": certificate.issued_at.date().isoformat(),
        "expires": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "revoked": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "revoke_reason": certificate.revoke_reason,
        "outcomes": [{"code": o["code"], "text": o["text"]} for o in certificate.outcomes],
    }


def render(plugins: Plugins, certificate: Certificate, renderer: str,
           context: dict[str, Any]) -> bytes:
    """The certificate as a document from the named renderer plugin."""
    data = dict(context)
    data.update(verification(certificate))
    data["certificate"] = certificate
    return plugins.renderers.get(renderer).render(data)


def all_certificates(session: Session) -> list[Certificate]:
    """Every certificate issued, newest first (for accreditation officers)."""
    return list(session.scalars(select(Certificate).order_by(Certificate.issued_at.desc())))
