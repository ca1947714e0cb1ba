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
from engine.services import blueprints


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
                "attempts": assessment.attempts_allowed, "scheme": assessment.scheme_uid,
                "opens": assessment.opens_at, "closes": assessment.closes_at}
    spec.update({k: v for k, v in optional.items() if v is not None})
    if assessment.shuffle:
        spec["shuffle"] = True
    if assessment.feedback_policy != "after_submission":
        spec["feedback"] = assessment.feedback_policy
    return spec


def update_assessment(session: Session, assessment: Assessment, data: dict,
                      known_types: set[str]) -> None:
    """Validate and save an assessment's settings and blueprint.

    Refused, with the rows named, when the published bank cannot fill the blueprint."""
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
    if clean["blueprint"] and not errors:
        rows = blueprints.rows_of(clean["blueprint"])
        for short in blueprints.check(session, clean["blueprint"]):
            errors[f"blueprint.{short.row}"] = (
                f"Row {short.row + 1} ({rows[short.row].describe()}): the bank has "
                f"{short.available} of the {short.needed} published items it needs, "
                f"{short.missing} short.")
    if errors:
        raise ModuleEditError(errors)
    assessment.title, assessment.pass_mark = clean["title"], clean["pass_mark"]
    assessment.outcome_pass_mark = clean["outcome_pass_mark"]
    assessment.item_uids = clean["items"]
    assessment.blueprint = [{k: v for k, v in row.items() if v not in (None, [])}
                            for row in clean["blueprint"]] if clean["blueprint"] else None
    assessment.time_limit_minutes, assessment.attempts_allowed = \
        clean["time_limit"], clean["attempts"]
    assessment.shuffle, assessment.feedback_policy = clean["shuffle"], clean["feedback"]
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
