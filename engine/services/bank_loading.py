"""Loading a validated bank into the database, idempotently.

Loading twice changes nothing; an item whose content changed gets a new version, and
attempts keep the version they were given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.diffs import changes
from engine.models import (
    Assessment,
    Framework,
    Item,
    ItemEvent,
    ItemVersion,
    Lesson,
    Module,
    Outcome,
    Scheme,
    utcnow,
)
from engine.services.bank_files import Bank, content_hash

ITEM_CONTENT = ("type", "language", "title", "stem", "payload", "feedback", "outcomes",
                "eqf_level", "source", "translations", "tags")
OPTIONAL_CONTENT = ("translations", "tags")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, kind: str) -> None:
        target = getattr(self, bucket)
        target[kind] = target.get(kind, 0) + 1

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated, "
                f"{self.unchanged.get(kind, 0)} unchanged" for kind in kinds]


def _load_framework(session: Session, data: dict, report: LoadReport) -> None:
    digest = content_hash(data)
    framework = session.scalar(select(Framework).where(Framework.code == data["code"]))
    if framework is not None and framework.content_hash == digest:
        report.count("unchanged", "frameworks")
        return
    structure = {"groups": data["groups"]}
    if framework is None:
        framework = Framework(code=data["code"], title=data["title"], structure=structure,
                              content_hash=digest)
        session.add(framework)
        report.count("created", "frameworks")
    else:
        framework.title, framework.structure = data["title"], structure
        framework.content_hash = digest
        report.count("updated", "frameworks")
    existing = {o.code: o for o in framework.outcomes}
    for position, cell in enumerate(data["cells"]):
        outcome = existing.pop(cell["code"], None) or Outcome(code=cell["code"])
        for key in ("matrix", "group", "area", "row", "cell", "complexity", "eqf_level",
                    "dimension", "text"):
            setattr(outcome, key, cell[key])
        outcome.position = position
        if outcome.id is None:
            framework.outcomes.append(outcome)
    for stale in existing.values():
        framework.outcomes.remove(stale)


def item_content(data: dict) -> tuple[dict, str]:
    """The stored content of an item dict and its hash. Fields added to items later (variants,
    tags) count only when present, so older items keep their hash and get no new version."""
    content = {key: data.get(key) for key in ITEM_CONTENT}
    content["feedback"] = content["feedback"] or ""
    hashed = {k: v for k, v in content.items() if k not in OPTIONAL_CONTENT or v}
    for key in OPTIONAL_CONTENT:
        content[key] = content[key] or None
    return content, content_hash(hashed)


def _load_item(session: Session, data: dict, report: LoadReport) -> None:
    content, digest = item_content(data)
    item = session.scalar(select(Item).where(Item.uid == data["id"]))
    if item is None:
        item = Item(uid=data["id"], status="published", origin=data.get("origin"))
        session.add(item)
        session.flush()
        previous = None
        report.count("created", "items")
    else:
        current = item.current_version
        # Unchanged since it was last loaded: what trainers published since stays.
        if item.bank_hash == digest or (current is not None and current.content_hash == digest):
            item.bank_hash = digest
            report.count("unchanged", "items")
            return
        previous = current
        report.count("updated", "items")
    number = max((v.number for v in item.versions), default=0) + 1
    now = utcnow()
    version = ItemVersion(number=number, content_hash=digest, status="published",
                          published_at=now, **content)
    item.versions.append(version)
    session.flush()
    if previous is not None:
        previous.status = "superseded"
    item.current_version = version
    item.bank_hash = digest
    if item.status == "draft" or item.status == "in_review":
        item.status = "published"
    pending = next((v for v in item.versions if v.status in ("draft", "in_review")), None)
    state = {"draft": "a draft", "in_review": "in review"}.get(pending.status) if pending else ""
    note = f" (version {pending.number} is still {state} in the app)" \
        if pending is not None and pending.id != version.id else ""
    item.events.append(ItemEvent(version_number=number, at=now, action="loaded",
                          comment=(data.get("origin") or "") + note,
                          changes=[c.as_dict() for c in changes(
                              previous.content() if previous else None, version.content())]
                          if previous is not None else None))


def _load_scheme(session: Session, data: dict, report: LoadReport) -> None:
    digest = content_hash(data)
    scheme = session.scalar(select(Scheme).where(Scheme.uid == data["id"]))
    if scheme is not None and scheme.content_hash == digest:
        report.count("unchanged", "schemes")
        return
    if scheme is None:
        scheme = Scheme(uid=data["id"])
        session.add(scheme)
        report.count("created", "schemes")
    else:
        report.count("updated", "schemes")
    scheme.title, scheme.description = data["title"], data["description"]
    scheme.eqf_level, scheme.outcomes = data["eqf_level"], data["outcomes"]
    scheme.requires, scheme.validity_months = data["requires"], data["validity_months"]
    scheme.renewal = data.get("renewal")
    if scheme.content_hash:  # a changed scheme is a new version; certificates keep theirs
        scheme.version = (scheme.version or 1) + 1
    scheme.content_hash = digest


def _load_module(session: Session, data: dict, report: LoadReport) -> None:
    digest = content_hash(data)
    module = session.scalar(select(Module).where(Module.uid == data["id"]))
    if module is not None and module.content_hash == digest:
        report.count("unchanged", "modules")
        return
    if module is None:
        module = Module(uid=data["id"])
        session.add(module)
        report.count("created", "modules")
    else:
        report.count("updated", "modules")
    module.title, module.summary = data["title"], data["summary"]
    module.language, module.content_hash = data["language"], digest
    module.lessons.clear()
    session.flush()
    for position, lesson in enumerate(data["lessons"]):
        module.lessons.append(Lesson(uid=lesson["id"], position=position, title=lesson["title"],
                                     body=lesson["body"]))
    for position, spec in enumerate(data["assessments"]):
        assessment = session.scalar(select(Assessment).where(Assessment.uid == spec["id"]))
        if assessment is None:
            assessment = Assessment(uid=spec["id"])
            session.add(assessment)
        assessment.module = module
        assessment.position = position
        assessment.title, assessment.pass_mark = spec["title"], spec["pass_mark"]
        assessment.item_uids, assessment.scheme_uid = spec["items"], spec["scheme"]
        assessment.blueprint = spec.get("blueprint")
        assessment.outcome_pass_mark = spec.get("outcome_pass_mark")
        assessment.time_limit_minutes = spec.get("time_limit")
        assessment.attempts_allowed = spec.get("attempts")
        assessment.cooling_off_hours = spec.get("cooling_off")
        assessment.shuffle = spec.get("shuffle", False)
        assessment.practice = spec.get("practice", False)
        assessment.feedback_policy = spec.get("feedback", "after_submission")
        assessment.opens_at, assessment.closes_at = spec.get("opens"), spec.get("closes")


def load_bank(session: Session, bank: Bank) -> LoadReport:
    """Write a validated bank to the database in one transaction and commit."""
    report = LoadReport()
    for framework in bank.frameworks:
        _load_framework(session, framework, report)
    for item in bank.items:
        _load_item(session, item, report)
    for scheme in bank.schemes:
        _load_scheme(session, scheme, report)
    for module in bank.modules:
        _load_module(session, module, report)
    session.commit()
    return report
