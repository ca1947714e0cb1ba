"""Schemas of the item-bank files: items, modules and certification schemes (YAML)."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

UID = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,118}$",
                      error="Use lowercase letters, digits and '-' (at most 119).")
LANGUAGES = ("nl", "en", "fr", "de")
BAND_LEVELS = {"4-5": (4, 5), "6": (6,), "7": (7,)}


class SourceSchema(Schema):
    document = fields.String(required=True)
    lines = fields.List(fields.Integer(validate=validate.Range(min=1)),
                        validate=validate.Length(equal=2))
    note = fields.String()

    @validates_schema
    def _ordered(self, data, **_kwargs):
        lines = data.get("lines")
        if lines and lines[0] > lines[1]:
            raise ValidationError("The first line must not come after the last.", "lines")


class TranslationSchema(Schema):
    """An item's texts in another language; the payload keeps the original's shape."""

    title = fields.String(validate=validate.Length(min=1, max=300))
    stem = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    feedback = fields.String(validate=validate.Length(max=50_000))
    payload = fields.Dict()


class ItemSchema(Schema):
    """The fields every item has, whatever its type; the payload is checked by the type."""

    id = fields.String(required=True, validate=UID)
    type = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    outcomes = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    eqf_level = fields.Integer(required=True, validate=validate.Range(min=4, max=7))
    source = fields.Nested(SourceSchema)
    stem = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    payload = fields.Dict(required=True)
    feedback = fields.String(load_default="", validate=validate.Length(max=50_000))
    tags = fields.List(fields.String(), load_default=list)
    translations = fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                               values=fields.Nested(TranslationSchema), load_default=dict)


class TranslationFileItemSchema(TranslationSchema):
    id = fields.String(required=True, validate=UID)


class LessonSchema(Schema):
    id = fields.String(required=True, validate=UID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    body = fields.String(required=True, validate=validate.Length(min=1, max=200_000))


class BlueprintRowSchema(Schema):
    """One row: `count` items on these outcomes (or any outcome of `area`), at a level."""

    count = fields.Integer(required=True, validate=validate.Range(min=1, max=200))
    outcomes = fields.List(fields.String(), load_default=list)
    area = fields.String(load_default=None)
    eqf_level = fields.Integer(load_default=None, validate=validate.Range(min=4, max=7))
    types = fields.List(fields.String(), load_default=list)
    points = fields.Float(load_default=None, validate=validate.Range(min=0, min_inclusive=False))

    @validates_schema
    def _target(self, data, **_kwargs):
        if bool(data.get("outcomes")) == bool(data.get("area")):
            raise ValidationError("Give either `outcomes` or an `area`.", "outcomes")


#: when a learner sees keys and feedback: at once per question, after each submission, once
#: the learner's attempts are used up (or the assessment closed), after the close, never
FEEDBACK_POLICIES = ("immediate", "after_submission", "after_attempts", "after_close", "never")


class AssessmentSchema(Schema):
    id = fields.String(required=True, validate=UID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    pass_mark = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    outcome_pass_mark = fields.Integer(load_default=None,
                                       validate=validate.Range(min=0, max=100))
    items = fields.List(fields.String(validate=UID), load_default=list)
    blueprint = fields.List(fields.Nested(BlueprintRowSchema), load_default=None)
    scheme = fields.String(validate=UID, load_default=None)
    time_limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1440),
                                metadata={"description": "minutes"})
    attempts = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))
    cooling_off = fields.Integer(load_default=None, validate=validate.Range(min=1, max=8760),
                                 metadata={"description": "hours between attempts"})
    shuffle = fields.Boolean(load_default=False)
    practice = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="after_submission",
                             validate=validate.OneOf(FEEDBACK_POLICIES))
    opens = fields.AwareDateTime(load_default=None)
    closes = fields.AwareDateTime(load_default=None)

    @validates_schema
    def _form(self, data, **_kwargs):
        if bool(data.get("items")) == bool(data.get("blueprint")):
            raise ValidationError("Give either a list of `items` or a `blueprint`.", "items")
        if data.get("opens") and data.get("closes") and data["opens"] >= data["closes"]:
            raise ValidationError("An assessment closes after it opens.", "closes")
        if data.get("feedback") == "after_close" and not data.get("closes"):
            raise ValidationError("Feedback after closing needs a `closes` date.", "feedback")


class ModuleSchema(Schema):
    id = fields.String(required=True, validate=UID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    summary = fields.String(load_default="")
    lessons = fields.List(fields.Nested(LessonSchema), load_default=list)
    assessments = fields.List(fields.Nested(AssessmentSchema), load_default=list)


class MasteryRequirementSchema(Schema):
    outcomes = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    threshold = fields.Integer(load_default=80, validate=validate.Range(min=1, max=100))


class SchemeRequiresSchema(Schema):
    """What a learner must show: assessments passed, modules completed, mastery of outcomes,
    and whether an officer signs off. At least one of the first three."""

    assessments = fields.List(fields.String(validate=UID), load_default=list)
    modules = fields.List(fields.String(validate=UID), load_default=list)
    mastery = fields.Nested(MasteryRequirementSchema, load_default=None, allow_none=True)
    sign_off = fields.Boolean(load_default=False)

    @validates_schema
    def _something(self, data, **_kwargs):
        if not (data.get("assessments") or data.get("modules") or data.get("mastery")):
            raise ValidationError("Require at least one assessment, module or mastery.",
                                  "assessments")


class RenewalSchema(Schema):
    window_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=730))
    rule = fields.String(load_default="reassess",
                         validate=validate.OneOf(["reassess", "current_evidence"]))


class SchemeSchema(Schema):
    class Meta:
        unknown = INCLUDE

    id = fields.String(required=True, validate=UID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="")
    eqf_level = fields.Integer(required=True, validate=validate.Range(min=4, max=7))
    outcomes = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    requires = fields.Nested(SchemeRequiresSchema, required=True)
    validity_months = fields.Integer(load_default=None, allow_none=True,
                                     validate=validate.Range(min=1, max=240))
    renewal = fields.Nested(RenewalSchema, load_default=None, allow_none=True)


class CellSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]+-[EP]-\d+[a-i]$"))
    matrix = fields.String(required=True, validate=validate.OneOf(["educational",
                                                                   "professional"]))
    group = fields.String(required=True)
    area = fields.String(required=True)
    row = fields.Integer(required=True)
    cell = fields.String(required=True, validate=validate.OneOf(list("abcdefghi")))
    complexity = fields.String(required=True, validate=validate.OneOf(["A", "B", "C"]))
    eqf_level = fields.String(required=True, validate=validate.OneOf(list(BAND_LEVELS)))
    dimension = fields.String(required=True, validate=validate.OneOf(
        ["knowledge", "skill", "responsibility_autonomy"]))
    text = fields.String(required=True)


class AreaSchema(Schema):
    name = fields.String(required=True)
    rows = fields.List(fields.Integer(), required=True)


class GroupSchema(Schema):
    name = fields.String(required=True)
    areas = fields.List(fields.Nested(AreaSchema), required=True)


class FrameworkSchema(Schema):
    """A framework file (item_bank/frameworks/*.json), as the ESQF extractor writes it."""

    code = fields.String(required=True)
    title = fields.String(required=True)
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    cells = fields.List(fields.Nested(CellSchema), required=True,
                        validate=validate.Length(min=1))
