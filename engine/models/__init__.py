"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from engine.models.attempts import Attempt, Response
from engine.models.base import Base, utcnow
from engine.models.certificates import AuditEntry, Certificate, IssueBatch, Scheme
from engine.models.frameworks import Framework, Outcome
from engine.models.items import Item, ItemVersion
from engine.models.modules import (
    Assessment,
    Enrolment,
    Lesson,
    LessonView,
    Module,
    OrganisationModule,
)
from engine.models.users import Role, User

__all__ = [
    "Assessment", "Attempt", "AuditEntry", "Base", "Certificate", "Enrolment", "Framework",
    "IssueBatch", "Item", "ItemVersion", "Lesson", "LessonView", "Module", "OrganisationModule",
    "Outcome", "Response", "Role", "Scheme", "User", "utcnow",
]
