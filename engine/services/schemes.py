"""Certification schemes managed by accreditation officers in the app."""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.questiontypes import flatten_errors
from engine.models import Assessment, Module, Outcome, Scheme, User
from engine.schemas.bank import SchemeSchema
from engine.services import audit, integrity


class AssessmentRefusal(str):
    """Assessments a scheme refuses, each with its reasons; the English text as a str, the
    parts for a translated page (``refused``: assessment uid -> messages)."""

    def __new__(cls, refused: dict[str, list]):
        text = " ".join(f"{uid} cannot count toward a certificate: "
                        + " ".join(str(m) for m in messages)
                        for uid, messages in refused.items())
        made = super().__new__(cls, text)
        made.refused = refused
        return made


def unsafe_assessments(session: Session, question_types, uids: list[str]) -> dict[str, list]:
    """The assessments among ``uids`` that may not count toward a certificate, with why."""
    refused = {}
    for uid in uids:
        assessment = session.scalar(select(Assessment).where(Assessment.uid == uid))
        if assessment is None:
            continue
        report = integrity.evaluate_spec(session, question_types,
                                         integrity.assessment_spec(assessment))
        if report.problems:
            refused[uid] = report.problems
    return refused


class SchemeError(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def list_schemes(session: Session) -> list[Scheme]:
    return list(session.scalars(select(Scheme).order_by(Scheme.title)))


def get_scheme(session: Session, uid: str) -> Scheme | None:
    return session.scalar(select(Scheme).where(Scheme.uid == uid))


def save_scheme(session: Session, officer: User, data: dict,
                scheme: Scheme | None = None, *, question_types=None) -> Scheme:
    """Create or change a scheme. A change raises its version: certificates keep the version
    they were issued under. Refuses unknown outcomes, assessments and modules, and (given the
    ``question_types``) assessments that are not safe for certification, with the reasons
    (engine.services.integrity)."""
    try:
        clean = SchemeSchema().load(data)
    except ValidationError as exc:
        raise SchemeError(flatten_errors(exc.messages)) from None
    errors: dict[str, str] = {}
    outcomes = {o.code: o for o in session.scalars(
        select(Outcome).where(Outcome.code.in_(clean["outcomes"])))}
    for code in clean["outcomes"]:
        cell = outcomes.get(code)
        if cell is None or cell.matrix != "educational" or not cell.text:
            errors["outcomes"] = f"{code} is not a non-empty educational outcome."
    requires = clean["requires"]
    known = set(session.scalars(select(Assessment.uid)))
    if set(requires["assessments"]) - known:
        errors["requires.assessments"] = "Unknown assessment: " + ", ".join(
            sorted(set(requires["assessments"]) - known))
    modules = set(session.scalars(select(Module.uid)))
    if set(requires["modules"]) - modules:
        errors["requires.modules"] = "Unknown module: " + ", ".join(
            sorted(set(requires["modules"]) - modules))
    if scheme is None and get_scheme(session, clean["id"]):
        errors["id"] = "A scheme with this id exists."
    if question_types is not None and "requires.assessments" not in errors:
        named = list(requires["assessments"]) + [uid for uid in session.scalars(
            select(Assessment.uid).where(Assessment.scheme_uid == clean["id"]))
            if uid not in requires["assessments"]]
        refused = unsafe_assessments(session, question_types, named)
        if refused:
            errors["requires.assessments"] = AssessmentRefusal(refused)
    if errors:
        raise SchemeError(errors)
    if scheme is None:
        scheme = Scheme(uid=clean["id"], version=1, content_hash="")
        session.add(scheme)
        action = "scheme-create"
    else:
        scheme.version += 1
        action = "scheme-change"
    scheme.title, scheme.description = clean["title"], clean["description"]
    scheme.eqf_level, scheme.outcomes = clean["eqf_level"], clean["outcomes"]
    scheme.requires = {k: v for k, v in requires.items() if v not in (None, [], False)} | (
        {"sign_off": True} if requires["sign_off"] else {})
    scheme.validity_months, scheme.renewal = clean["validity_months"], clean["renewal"]
    session.flush()
    audit.record(session, actor=officer.email, action=action, subject=scheme.uid,
                 data={"version": scheme.version})
    session.commit()
    return scheme
