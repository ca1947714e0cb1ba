"""Personal data (GDPR articles 15, 17 and 20; ASVS V8.3): what a person may take away, and
erasing a person while the certificate register keeps verifying.

``export`` gathers everything stored about a person: the account, sessions, enrolments,
lessons read, attempts with their results, certificates, what they wrote and graded as a
trainer, and the audit entries about them. Per-question scores of an assessment whose
answers are not released are left out until they are (a certification test's items stay a
fair test for everyone); the person's own answers and results per outcome are included.

``erase`` removes or pseudonymises the person: name, email, organisation, language,
password, sessions, kept forms and login counts go; attempts stay, tied to the pseudonym
only, so that item statistics keep their evidence; certificates stay in the register with
their status and the holder's salted hashes (the register shows "erased at the holder's
request"), so a credential the holder kept still verifies. The audit log is append-only and
hash-chained: its entries keep what they recorded (accountability, docs/privacy.md).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from engine.models import (
    Attempt,
    AuditEntry,
    Certificate,
    Enrolment,
    Item,
    ItemEvent,
    ItemVersion,
    LessonView,
    LoginThrottle,
    PendingForm,
    Response,
    User,
    UserSession,
    utcnow,
)
from engine.services import audit, results


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _answers(session: Session, attempt: Attempt, released: bool, secret: bytes | None,
             plugins) -> list[dict]:
    """The attempt's answers: as stored once the answers are released; before that in the
    tokens the learner's page used (author ids can tell a key: "eerste", "tweede"...)."""
    from engine.domain.tokens import outward
    from engine.services.delivery import tokens_for

    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_(attempt.form)))}
    found = []
    for response in attempt.responses:
        answer = response.answer
        if answer is not None and not released:
            version = versions.get(response.item_version_id)
            if version is None or secret is None or plugins is None \
                    or version.type not in plugins.question_types:
                answer = "(kept; shown once the answers are released)"
            else:
                qtype = plugins.question_types.get(version.type)
                tokens = tokens_for(attempt, response.position, secret)
                tokens.learn(qtype.ids, version.localized(attempt.language)["payload"])
                answer = outward(qtype.response_ids, answer, tokens)
        entry = {"position": response.position, "answer": answer,
                 "saved": _when(response.saved_at)}
        if released:
            entry.update(earned=response.earned, possible=response.possible,
                         grades=response.grades)
        found.append(entry)
    return found


def export(session: Session, user: User, *, secret: bytes | None = None,
           plugins=None) -> dict[str, Any]:
    """Everything stored about ``user``, as plain JSON-able data. ``secret`` and
    ``plugins`` let unreleased answers be given in the page's tokens."""
    data: dict[str, Any] = {
        "exported_at": _when(utcnow()),
        "account": {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
                    "organisation": user.organisation, "language": user.locale,
                    "active": user.active, "created_at": _when(user.created_at),
                    "erased_at": _when(user.erased_at),
                    "password": "stored as an argon2id hash only; never shown"},
        "sessions": [{"started": _when(s.created_at), "last_active": _when(s.last_seen_at),
                      "ends": _when(s.expires_at), "ended": _when(s.revoked_at),
                      "address": s.ip, "browser": s.user_agent}
                     for s in session.scalars(select(UserSession).where(
                         UserSession.user_id == user.id).order_by(UserSession.id))],
        "enrolments": [{"module": e.module_id, "source": e.source,
                        "enrolled_at": _when(e.enrolled_at)}
                       for e in session.scalars(select(Enrolment).where(
                           Enrolment.user_id == user.id))],
        "lessons_read": [{"module": v.module_id, "lesson": v.lesson_uid,
                          "seen_at": _when(v.seen_at)}
                         for v in session.scalars(select(LessonView).where(
                             LessonView.user_id == user.id))],
        "attempts": [],
        "certificates": [],
        "authored": [],
        "graded": [],
        "audit_entries": [],
    }
    for attempt in session.scalars(select(Attempt).where(Attempt.user_id == user.id)
                                   .order_by(Attempt.id)):
        released = results.may_review(session, attempt)
        withheld = set() if released else results.withheld_outcomes(attempt)
        data["attempts"].append({
            "id": attempt.id, "assessment": attempt.assessment.uid,
            "status": attempt.status, "language": attempt.language,
            "started": _when(attempt.started_at), "submitted": _when(attempt.submitted_at),
            "earned": attempt.earned, "possible": attempt.possible, "passed": attempt.passed,
            "per_outcome": {code: result for code, result in
                            (attempt.outcome_results or {}).items() if code not in withheld},
            "answers_released": released,
            "answers": _answers(session, attempt, released, secret, plugins)})
    for cert in session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        data["certificates"].append({
            "id": cert.public_id, "scheme": cert.scheme_title, "holder_name": cert.holder_name,
            "issued": _when(cert.issued_at), "expires": _when(cert.expires_at),
            "revoked": _when(cert.revoked_at), "public_reason": cert.revoke_public_reason,
            "outcomes": cert.outcomes})
    data["authored"] = [{"item": uid, "version": number, "status": status}
                        for uid, number, status in session.execute(
                            select(Item.uid, ItemVersion.number, ItemVersion.status)
                            .join(Item, ItemVersion.item_id == Item.id)
                            .where(ItemVersion.author_id == user.id))]
    data["graded"] = [{"response": r.id, "graded_at": _when(r.graded_at)}
                      for r in session.scalars(select(Response).where(
                          Response.graded_by_id == user.id))]
    data["item_events"] = [{"item": e.item_id, "action": e.action, "at": _when(e.at),
                            "comment": e.comment}
                           for e in session.scalars(select(ItemEvent).where(
                               ItemEvent.user_id == user.id))]
    # Entries about the person, and what they did; another person named in them is not
    # this person's data (art. 15(4)) and is left out.
    data["audit_entries"] = [
        {"at": _when(e.at), "actor": e.actor if e.actor == user.email else "(another person)",
         "action": e.action,
         "subject": e.subject if e.subject == user.email else "(another person or record)",
         "data": e.data if e.subject == user.email else {}}
        for e in session.scalars(select(AuditEntry).where(or_(
            AuditEntry.actor == user.email,
            AuditEntry.subject == user.email)).order_by(AuditEntry.id))]
    return data


def pseudonym(user: User) -> str:
    return f"erased-{user.id}"


def erase(session: Session, user: User, *, by: User | None) -> None:
    """Erase a person's personal data, keeping what the register and statistics need."""
    if user.erased_at is not None:
        return
    from engine.services.credentials import identity_hash

    # Certificates first: their identity hashes are made from the data about to go.
    for cert in session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        if not cert.identity_salt:
            cert.identity_salt = secrets.token_hex(8)
            cert.holder_email_hash = identity_hash("emailAddress", user.email,
                                                   cert.identity_salt)
            cert.holder_name_hash = identity_hash("ext:holderName", cert.holder_name,
                                                  cert.identity_salt)
        cert.holder_name = ""
    old_email = user.email
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(delete(PendingForm).where(PendingForm.user_id == user.id))
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.key == "account:" + old_email.lower()))
    user.name = f"Erased person {user.id}"
    user.email = f"{pseudonym(user)}@erased.invalid"
    user.organisation = None
    user.locale = None
    user.active = False
    user.password_hash = "!erased"  # matches no password: the account cannot log in
    user.erased_at = utcnow()
    audit.record(session, actor=by.email if by else "system", action="erasure",
                 subject=pseudonym(user))
    session.commit()
