"""Review of items written in the app: submitting, four-eyes publishing, sending back,
withdrawing, comments, retiring and restoring, discarding drafts.

Every change of state is a conditional update (``authoring._move``): it happens only if the
version is still in the state (and has the content) the user acted on, so two workers, two
tabs or a double click never both succeed, and a reviewer publishes exactly what they saw.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.domain.text import N_
from engine.models import Assessment, Item, ItemVersion, User, utcnow
from engine.services import bank_queries, blueprints
from engine.services.authoring import (
    AuthoringError,
    _event,
    _move,
    contributors,
    get_item,
)


def _claim_status(session: Session, item: Item, old: str, new: str) -> None:
    """The item's own status, changed only if it is still ``old`` (see ``_move``)."""
    if not session.execute(update(Item).where(Item.id == item.id, Item.status == old)
                           .values(status=new)).rowcount:
        session.rollback()
        raise AuthoringError(N_("The item changed meanwhile: look at it again."))
    session.expire(item, ["status"])


def _draft(item: Item, status: str) -> ItemVersion:
    working = item.working_version
    if working is None or working.status != status:
        raise AuthoringError(N_("The item has no draft version.") if status == "draft" else
                             N_("The item has no version in review."))
    return working


def submit(session: Session, user: User, item: Item) -> ItemVersion:
    """Put the working draft in review."""
    version = _draft(item, "draft")
    _move(session, version, "draft", "in_review")
    if item.status == "draft":
        item.status = "in_review"
    _event(session, item, user, "submitted", number=version.number)
    session.commit()
    return version


def withdraw(session: Session, user: User, item: Item) -> ItemVersion:
    """Take a version out of review to change it."""
    version = _draft(item, "in_review")
    _move(session, version, "in_review", "draft")
    if item.status == "in_review":
        item.status = "draft"
    _event(session, item, user, "withdrawn", number=version.number)
    session.commit()
    return version


def comment(session: Session, user: User, item: Item, text: str) -> None:
    text = (text or "").strip()
    if not text:
        raise AuthoringError(N_("Write a comment first."))
    working = item.working_version
    _event(session, item, user, "commented", number=working.number if working else None,
           comment=text[:5000])
    session.commit()


def may_publish(item: Item, user: User) -> str | None:
    """Why ``user`` may not publish the item's version in review now, or None."""
    working = item.working_version
    if working is None or working.status != "in_review":
        return N_("Only a version in review can be published.")
    if user.id in contributors(item, working.number):
        return N_("You wrote (part of) this version: another trainer must review and "
                  "publish it (four eyes).")
    return None


def send_back(session: Session, reviewer: User, item: Item, text: str) -> ItemVersion:
    """The reviewer returns the version to its authors with a comment."""
    version = _draft(item, "in_review")
    text = (text or "").strip()
    if not text:
        raise AuthoringError(N_("Say what should change: a comment is needed to send an "
                                "item back."))
    if reviewer.id in contributors(item, version.number):
        raise AuthoringError(N_("You wrote (part of) this version; withdraw it from review "
                                "instead."))
    _move(session, version, "in_review", "draft")
    if item.status == "in_review":
        item.status = "draft"
    _event(session, item, reviewer, "sent_back", number=version.number, comment=text[:5000])
    session.commit()
    return version


def publish(session: Session, reviewer: User, item: Item,
            expected_hash: str | None = None) -> ItemVersion:
    """Publish the version in review (four eyes): it becomes the version assemblies draw.

    ``expected_hash`` is the content the reviewer saw: if the version was withdrawn, changed
    and submitted again since, the reviewer has not reviewed what would be published."""
    reason = may_publish(item, reviewer)
    if reason:
        raise AuthoringError(reason)
    version = item.working_version
    if expected_hash is not None and expected_hash != version.content_hash:
        raise AuthoringError(N_("The item changed meanwhile: look at it again."))
    previous = item.current_version
    now = utcnow()
    _move(session, version, "in_review", "published", content_hash=version.content_hash,
          values={"published_by_id": reviewer.id, "published_at": now})
    if previous is not None and previous.id != version.id:
        previous.status = "superseded"
    item.current_version = version
    if item.status != "retired":
        item.status = "published"
    _event(session, item, reviewer, "published", number=version.number)
    session.commit()
    return version


def in_bulk(session: Session, user: User, picked: list[str], action: str
            ) -> tuple[list[str], dict[str, AuthoringError]]:
    """Submit (``submit``) or publish (``publish``) several items at once, each under the
    same rules as one by one; returns the uids done and, by uid, why the others were not.

    Each entry is ``uid`` or ``uid@content_hash``: the version the list showed, which is the
    one published."""
    done, refused = [], {}
    for entry in dict.fromkeys(picked):
        uid, _, expected = entry.partition("@")
        item = get_item(session, uid)
        if item is None:
            refused[uid] = AuthoringError(N_("No such item."))
            continue
        try:
            if action == "publish":
                publish(session, user, item, expected or None)
            else:
                submit(session, user, item)
        except AuthoringError as exc:
            session.rollback()
            refused[uid] = exc
        else:
            done.append(uid)
    return done, refused


def retire(session: Session, user: User, item: Item, reason: str = "") -> None:
    """Take a published item out of new assemblies; it stays for history and review.

    Refused while an assessment lists it, or when a blueprint could no longer be filled."""
    if item.status != "published":
        raise AuthoringError(N_("Only a published item can be retired."))
    listed = bank_queries.uses(session, item)
    if listed:
        raise AuthoringError(N_("Assessments list this item: %(names)s. Take it out of them "
                                "first."), names=", ".join(listed))
    _claim_status(session, item, "published", "retired")
    short = []
    for assessment in session.scalars(select(Assessment).where(Assessment.blueprint.is_not(None))):
        if assessment.blueprint and blueprints.check(session, assessment.blueprint):
            short.append(assessment.title)
    if short:
        session.rollback()
        raise AuthoringError(N_("Without this item the bank cannot fill the blueprint of: "
                                "%(names)s."), names=", ".join(short))
    _event(session, item, user, "retired", number=item.current_version.number
           if item.current_version else None, comment=(reason or "").strip()[:5000])
    session.commit()


def restore(session: Session, user: User, item: Item) -> None:
    if item.status != "retired" or item.current_version is None:
        raise AuthoringError(N_("Only a retired item with a published version can be "
                                "published again."))
    _claim_status(session, item, "retired", "published")
    _event(session, item, user, "restored", number=item.current_version.number)
    session.commit()


def discard(session: Session, user: User, item: Item) -> bool:
    """Throw away the working draft, as one of its writers (or an administrator). Returns
    True when the whole item went (it had never been published)."""
    version = _draft(item, "draft")
    if user.id not in contributors(item, version.number) and not user.has_role("admin") \
            and contributors(item, version.number):
        raise AuthoringError(N_("Only the trainers who wrote this draft can discard it."))
    if item.current_version is None:
        session.delete(item)
        session.commit()
        return True
    number = version.number
    item.versions.remove(version)
    session.delete(version)
    _event(session, item, user, "discarded", number=number)
    session.commit()
    return False
