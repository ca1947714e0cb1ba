"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from engine.models.attempts import Attempt, Response
from engine.models.base import Base, utcnow
from engine.models.certificates import AuditEntry, Certificate, IssueBatch, Scheme
from engine.models.frameworks import Framework, Outcome
from engine.models.imports import ImportJob
from engine.models.items import ImmutableVersionError, Item, ItemEvent, ItemVersion
from engine.models.media import Media
from engine.models.modules import (
    Assessment,
    Enrolment,
    Lesson,
    LessonView,
    Module,
    OrganisationModule,
)
from engine.models.security import LoginThrottle, PendingForm, RateCounter, UserSession
from engine.models.users import Role, User

__all__ = [
    "Assessment", "Attempt", "AuditEntry", "Base", "Certificate", "Enrolment", "Framework",
    "ImmutableVersionError", "ImportJob", "IssueBatch", "Item", "ItemEvent", "ItemVersion",
    "Lesson", "LessonView", "LoginThrottle", "Media", "Module", "OrganisationModule",
    "Outcome", "PendingForm", "RateCounter", "Response", "Role", "Scheme", "User",
    "UserSession", "utcnow",
]
