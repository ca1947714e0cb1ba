"""Managing modules in the app: assessment settings and blueprints, lessons, YAML export.

Edits go to the database; the module's file in the bank stays as it was until a trainer
exports the module and commits the file. Loading the bank again only overwrites a module
whose file changed.
"""

from __future__ import annotations

from datetime import datetime

import yaml
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from engine.domain.questiontypes import flatten_errors
from engine.models import Assessment, Lesson, Module
from engine.schemas.bank import AssessmentSchema, LessonSchema
from engine.services import blueprints, integrity


class UserMessages(str):
    """Why an assessment cannot count toward its schemes: the English text (a str, for the
    command line and logs), with the schemes and messages for a translated page."""

    def __new__(cls, schemes: list[str], messages: list):
        text = (f"This assessment counts toward {', '.join(schemes)} and cannot with these "
                "settings: " + " ".join(str(m) for m in messages))
        made = super().__new__(cls, text)
        made.schemes, made.messages = schemes, messages
        return made


class ModuleEditError(ValueError):
    """The edit was refused; ``errors`` maps a field to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def assessment_spec(assessment: Assessment) -> dict:
    """An assessment in the module-file shape."""
    spec = {"id": assessment.uid, "title": assessment.title, "pass_mark": assessment.pass_mark}
    if assessment.blueprint:
        spec["blueprint"] = assessment.blueprint
    else:
        spec["items"] = list(assessment.item_uids)
    optional = {"outcome_pass_mark": assessment.outcome_pass_mark,
                "time_limit": assessment.time_limit_minutes,
                "attempts": assessment.attempts_allowed,
                "cooling_off": assessment.cooling_off_hours, "scheme": assessment.scheme_uid,
                "opens": assessment.opens_at, "closes": assessment.closes_at}
    spec.update({k: v for k, v in optional.items() if v is not None})
    if assessment.shuffle:
        spec["shuffle"] = True
    if assessment.practice:
        spec["practice"] = True
    if assessment.feedback_policy != "after_submission":
        spec["feedback"] = assessment.feedback_policy
    return spec


def update_assessment(session: Session, assessment: Assessment, data: dict,
                      question_types) -> None:
    """Validate and save an assessment's settings and blueprint.

    Refused, with the rows named, when the published bank cannot fill the blueprint; and,
    for an assessment that counts toward a certification scheme, when the new settings are
    not safe for certification (engine.services.integrity), with every reason."""
    known_types = set(question_types.entries)
    spec = {"id": assessment.uid, **data}
    try:
        clean = AssessmentSchema().load(spec)
    except ValidationError as exc:
        raise ModuleEditError(flatten_errors(exc.messages)) from None
    errors = {}
    for index, row in enumerate(clean["blueprint"] or []):
        unknown = [t for t in row["types"] if t not in known_types]
        if unknown:
            errors[f"blueprint.{index}.types"] = "Unknown question type: " + ", ".join(unknown)
    schemes = integrity.counts_toward(session, assessment.uid)
    kept = {} if schemes else integrity.secured_in_db(session)
    for problem in integrity.shared_with_certification(clean, kept):
        errors["items"] = problem
    if clean["blueprint"] and not errors:
        rows = blueprints.rows_of(clean["blueprint"])
        for short in blueprints.check(session, clean["blueprint"], exclude=kept):
            errors[f"blueprint.{short.row}"] = (
                f"Row {short.row + 1} ({rows[short.row].describe()}): the bank has "
                f"{short.available} of the {short.needed} published items it needs, "
                f"{short.missing} short.")
    if schemes and not errors:
        report = integrity.evaluate_spec(session, question_types, clean)
        if report.problems:
            errors["certification"] = UserMessages(schemes, report.problems)
    if errors:
        raise ModuleEditError(errors)
    assessment.title, assessment.pass_mark = clean["title"], clean["pass_mark"]
    assessment.outcome_pass_mark = clean["outcome_pass_mark"]
    assessment.item_uids = clean["items"]
    assessment.blueprint = [{k: v for k, v in row.items() if v not in (None, [])}
                            for row in clean["blueprint"]] if clean["blueprint"] else None
    assessment.time_limit_minutes, assessment.attempts_allowed = \
        clean["time_limit"], clean["attempts"]
    assessment.cooling_off_hours = clean["cooling_off"]
    assessment.shuffle, assessment.feedback_policy = clean["shuffle"], clean["feedback"]
    assessment.practice = clean["practice"]
    assessment.opens_at, assessment.closes_at = clean["opens"], clean["closes"]
    session.commit()


def update_lesson(session: Session, module: Module, lesson: Lesson | None, data: dict) -> Lesson:
    """Save a lesson (a new one when ``lesson`` is None)."""
    try:
        clean = LessonSchema().load(data)
    except ValidationError as exc:
        raise ModuleEditError(flatten_errors(exc.messages)) from None
    if lesson is None:
        if any(le.uid == clean["id"] for le in module.lessons):
            raise ModuleEditError({"id": "A lesson with this id exists in the module."})
        lesson = Lesson(uid=clean["id"], position=len(module.lessons))
        module.lessons.append(lesson)
    lesson.title, lesson.body = clean["title"], clean["body"]
    session.commit()
    return lesson


def module_yaml(module: Module) -> str:
    """The module as a bank file, to download and commit."""
    data = {"id": module.uid, "title": module.title, "language": module.language,
            "summary": module.summary,
            "lessons": [{"id": le.uid, "title": le.title, "body": le.body}
                        for le in module.lessons],
            "assessments": [assessment_spec(a) for a in module.assessments]}

    def dates(dumper, value: datetime):
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(datetime, dates)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)
