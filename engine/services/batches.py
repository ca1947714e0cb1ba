"""Bulk issuing: a batch of learners worked through by a background job, restartable.

A batch records the learners to issue to. ``run_batch`` issues to each one not yet done and
commits after every learner; the unique key (batch, learner) on certificates makes a second
run, or two runs at once, issue nobody twice. An interrupted batch is simply run again.
The job runs on Huey (``engine.tasks``): SQLite storage in the instance folder by default,
no extra server; Redis when HUEY_URL says so.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Certificate, IssueBatch, Scheme, User, utcnow
from engine.services import certification, eligibility


def create_batch(session: Session, scheme: Scheme, officer: User,
                 user_ids: list[int] | None = None, organisation: str | None = None
                 ) -> IssueBatch:
    """A batch for the chosen learners, or for everyone eligible now (of an organisation)."""
    if user_ids is None:
        user_ids = [e.user.id for e in eligibility.report(session, scheme, organisation)
                    if e.eligible]
    if not user_ids:
        raise certification.CertificationError("No learner to issue to.")
    batch = IssueBatch(scheme_id=scheme.id, created_by_id=officer.id,
                       user_ids=sorted(set(user_ids)))
    session.add(batch)
    session.commit()
    return batch


def run_batch(session: Session, batch_id: int, *, stop_after: int | None = None) -> IssueBatch:
    """Issue to every learner of the batch not yet done, committing after each one.
    ``stop_after`` stops after that many learners (tests use it to interrupt a batch)."""
    batch = session.get(IssueBatch, batch_id)
    if batch is None or batch.status == "done":
        return batch
    batch.status = "running"
    session.commit()
    officer = session.get(User, batch.created_by_id) if batch.created_by_id else None
    scheme = session.get(Scheme, batch.scheme_id)
    steps = 0
    for user_id in batch.user_ids:
        # Issued here before (even by a run that died before recording it) or skipped.
        issued = session.scalar(select(Certificate.public_id).where(
            Certificate.batch_id == batch.id, Certificate.user_id == user_id))
        if issued or str(user_id) in batch.results:
            if issued and str(user_id) not in batch.results:
                _note(session, batch, user_id, issued)
            continue
        if stop_after is not None and steps >= stop_after:
            return batch
        steps += 1
        user = session.get(User, user_id)
        try:
            certificate = certification.issue(session, scheme, user, officer=officer,
                                              sign_off=True, batch_id=batch.id)
            outcome = certificate.public_id
        except certification.CertificationError as exc:
            session.rollback()
            batch = session.get(IssueBatch, batch_id)
            outcome = f"skipped: {exc}"
        _note(session, batch, user_id, outcome)
    batch.status, batch.finished_at = "done", utcnow()
    session.commit()
    return batch


def _note(session: Session, batch: IssueBatch, user_id: int, outcome: str) -> None:
    results = dict(batch.results)
    results[str(user_id)] = outcome
    batch.results = results
    batch.issued = sum(1 for v in results.values() if not v.startswith("skipped"))
    batch.skipped = len(results) - batch.issued
    batch.done = len(results)
    session.commit()


def progress(batch: IssueBatch) -> dict:
    return {"id": batch.id, "status": batch.status, "total": len(batch.user_ids),
            "done": batch.done, "issued": batch.issued, "skipped": batch.skipped}


def unfinished(session: Session) -> list[IssueBatch]:
    return list(session.scalars(select(IssueBatch).where(IssueBatch.status != "done")))


def users_of(session: Session, batch: IssueBatch) -> dict[int, User]:
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(batch.user_ids)))}
