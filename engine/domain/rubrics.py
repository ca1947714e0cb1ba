"""Rubrics: criteria with levels and points, for the parts of an answer a trainer grades."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$", error="Use letters, digits, - or _ (at most 40).")


class LenientId(fields.String):
    """An id written as a string or a whole number in YAML (``id: 2``), stored as a string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class LevelSchema(Schema):
    id = LenientId(required=True, validate=ID)
    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    points = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    description = fields.String(load_default="")


class CriterionSchema(Schema):
    id = fields.String(required=True, validate=ID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    levels = fields.List(fields.Nested(LevelSchema), required=True,
                         validate=validate.Length(min=2, max=10))

    @validates_schema
    def _unique_levels(self, data, **_kwargs):
        ids = [level["id"] for level in data.get("levels", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("Level ids must be unique within a criterion.", "levels")


class RubricSchema(Schema):
    criteria = fields.List(fields.Nested(CriterionSchema), required=True,
                           validate=validate.Length(min=1, max=20))

    @validates_schema
    def _unique_criteria(self, data, **_kwargs):
        ids = [c["id"] for c in data.get("criteria", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("Criterion ids must be unique.", "criteria")


class GradesSchema(Schema):
    """A trainer's grades: the level chosen per criterion, and a comment for the learner."""

    criteria = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=5000))


def max_points(rubric: dict) -> float:
    return sum(max(level["points"] for level in c["levels"]) for c in rubric["criteria"])


def check_grades(rubric: dict, grades: dict) -> dict:
    """Validated grades for a rubric: a known level for every criterion; raises ValueError."""
    data = GradesSchema().load(grades)
    missing = [c["title"] for c in rubric["criteria"] if c["id"] not in data["criteria"]]
    if missing:
        raise ValueError("Choose a level for every criterion: " + ", ".join(missing) + ".")
    for criterion in rubric["criteria"]:
        levels = {str(level["id"]) for level in criterion["levels"]}
        if str(data["criteria"][criterion["id"]]) not in levels:
            raise ValueError(f"Unknown level for {criterion['title']!r}.")
    unknown = set(data["criteria"]) - {c["id"] for c in rubric["criteria"]}
    if unknown:
        raise ValueError("Unknown criteria: " + ", ".join(sorted(unknown)) + ".")
    return data


def points(rubric: dict, grades: dict | None) -> float | None:
    """Points the grades give, or None when ungraded (or graded against another rubric)."""
    if not grades:
        return None
    total = 0.0
    for criterion in rubric["criteria"]:
        chosen = str(grades.get("criteria", {}).get(criterion["id"]))
        level = next((lv for lv in criterion["levels"] if str(lv["id"]) == chosen), None)
        if level is None:
            return None
        total += level["points"]
    return total
