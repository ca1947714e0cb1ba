"""Who meets a certification scheme, with the evidence behind each requirement and what is
still missing. Requirements (all optional but at least one): assessments passed, modules
completed, mastery of listed outcomes at or above a threshold, and a human sign-off (given
by the officer who issues)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Assessment, Attempt, Module, Scheme, User
from engine.services import enrolment
from engine.services import mastery as mastery_views


@dataclass
class Requirement:
    kind: str  # assessment | module | mastery | sign_off
    label: str
    met: bool
    evidence: str = ""  # what shows it is met
    missing: str = ""  # what is still needed


@dataclass
class Eligibility:
    user: User
    scheme: Scheme
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """Every requirement met, except a sign-off, which the issuing officer gives."""
        return all(r.met for r in self.requirements if r.kind != "sign_off")

    def snapshot(self) -> list[dict]:
        return [{"kind": r.kind, "label": r.label, "met": r.met, "evidence": r.evidence}
                for r in self.requirements]


def evaluate(session: Session, user: User, scheme: Scheme, *, since=None) -> Eligibility:
    """The scheme's requirements for one learner. With ``since``, only attempts after that
    moment count (renewal by re-assessment)."""
    result = Eligibility(user=user, scheme=scheme)
    requires = scheme.requires or {}
    for uid in requires.get("assessments", []):
        assessment = session.scalar(select(Assessment).where(Assessment.uid == uid))
        query = select(Attempt).where(Attempt.user_id == user.id, Attempt.passed.is_(True),
                                      Attempt.assessment_id == (assessment.id if assessment
                                                                else -1))
        if since is not None:
            query = query.where(Attempt.submitted_at > since)
        best = session.scalar(query.order_by(Attempt.submitted_at.desc()).limit(1))
        title = assessment.title if assessment else uid
        if best is not None:
            percent = 100 * best.earned / best.possible if best.possible else 0
            result.requirements.append(Requirement(
                "assessment", title, True,
                evidence=f"passed on {best.submitted_at:%Y-%m-%d} with {percent:.0f} %"))
        else:
            result.requirements.append(Requirement("assessment", title, False,
                                                   missing="not passed yet"))
    for uid in requires.get("modules", []):
        module = session.scalar(select(Module).where(Module.uid == uid))
        if module is None:
            result.requirements.append(Requirement("module", uid, False, missing="no module"))
            continue
        progress = enrolment.progress(session, user, module)
        result.requirements.append(Requirement(
            "module", module.title, progress.complete,
            evidence=f"{progress.percent} % complete",
            missing="" if progress.complete else
            f"{progress.lessons - progress.lessons_seen} lesson(s) to read, "
            f"{progress.assessments - progress.assessments_passed} assessment(s) to pass"))
    wanted = requires.get("mastery") or {}
    if wanted.get("outcomes"):
        threshold = wanted.get("threshold", 80)
        figures = mastery_views.outcome_mastery(session, user)
        for code in wanted["outcomes"]:
            figure = figures.get(code)
            percent = figure.percent if figure else None
            met = percent is not None and percent >= threshold
            result.requirements.append(Requirement(
                "mastery", f"{code} ≥ {threshold} %", met,
                evidence=f"mastery {percent} % ({figure.count} answers)" if percent is not None
                else "",
                missing="" if met else ("not enough evidence yet" if percent is None
                                        else f"mastery {percent} %, needs {threshold} %")))
    if requires.get("sign_off"):
        result.requirements.append(Requirement("sign_off", "sign-off by an officer", False,
                                               missing="given when the officer issues"))
    return result


def report(session: Session, scheme: Scheme, organisation: str | None = None) -> list[Eligibility]:
    """Eligibility of every learner (of an organisation), eligible first."""
    query = select(User).where(User.role == "learner", User.active.is_(True))
    if organisation:
        query = query.where(User.organisation == organisation)
    rows = [evaluate(session, user, scheme) for user in session.scalars(query.order_by(User.name))]
    return sorted(rows, key=lambda e: not e.eligible)


