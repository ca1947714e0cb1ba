"""Writing items in the app: new items, drafts saved with what changed, and the history.

A trainer writes a draft; saving it again records what changed. A published version never
changes again, so editing a published item writes the next version as a new draft, and
attempts keep the version they were given. Every step is an ItemEvent: who, when, what, and
the fields changed. Review, publishing and retiring are in engine.services.reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.diffs import changes
from engine.domain.exchange import slug
from engine.domain.text import N_, UserError
from engine.models import (
    Item,
    ItemEvent,
    ItemVersion,
    Outcome,
    User,
    utcnow,
)
from engine.services.bank_loading import item_content
from engine.services.item_checks import check_item

#: ids the item pages use for themselves (/author/items/new)
RESERVED_IDS = {"new"}
#: events that change a version's content: whoever caused one may not publish that version
CONTRIBUTING = ("created", "edited", "revised", "imported")


class AuthoringError(UserError):
    """An action that is not allowed now (shown to the trainer)."""


class ItemEditError(ValueError):
    """The item was not saved; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str], notes: list[str] | None = None):
        self.errors, self.notes = errors, notes or []
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class StaleEditError(AuthoringError):
    """The draft was changed by someone else after the editor was opened."""


@dataclass
class Saved:
    item: Item
    version: ItemVersion
    notes: list[str]  # what was removed from the texts (unsafe HTML)
    changed: bool = True


def outcome_index(session: Session) -> dict[str, dict]:
    """Every outcome of the loaded frameworks as validation needs it, by code."""
    return {o.code: {"matrix": o.matrix, "text": o.text, "eqf_level": o.eqf_level,
                     "area": o.area, "row": o.row, "cell": o.cell}
            for o in session.scalars(select(Outcome))}


def get_item(session: Session, uid: str) -> Item | None:
    return session.scalar(select(Item).where(Item.uid == uid))


def revision(item: Item) -> int:
    """A token that changes whenever the item changes (the newest event's id)."""
    return max((e.id for e in item.events), default=0)


def contributors(item: Item, number: int) -> set[int]:
    """The users who wrote version ``number``: they may not publish it."""
    found = {e.user_id for e in item.events
             if e.version_number == number and e.action in CONTRIBUTING and e.user_id}
    version = next((v for v in item.versions if v.number == number), None)
    if version is not None and version.author_id:
        found.add(version.author_id)
    return found


def _event(session: Session, item: Item, user: User | None, action: str, *,
           number: int | None = None, comment: str = "", diff: list | None = None) -> None:
    event = ItemEvent(item_id=item.id, version_number=number, user_id=user.id if user else None,
                      action=action, comment=comment, changes=diff, at=utcnow())
    session.add(event)
    item.events.append(event)


def _validated(session: Session, plugins, data: dict, uid: str, sources: Path | None,
               outcomes: dict | None = None):
    checked = check_item({**data, "id": uid}, plugins.question_types,
                         outcomes if outcomes is not None else outcome_index(session),
                         sources=sources)
    if checked.item is None:
        raise ItemEditError(checked.errors, checked.notes)
    return checked


def new_uid(session: Session, title: str) -> str:
    """An unused item id made from a title."""
    base = slug(title, fallback="item")[:100]
    if base in RESERVED_IDS:
        base += "-item"
    taken = set(session.scalars(select(Item.uid).where(Item.uid.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _done(session: Session, commit: bool) -> None:
    if commit:
        session.commit()
    else:
        session.flush()


def _just_created(session: Session, user: User | None, digest: str) -> ItemVersion | None:
    """The first version of an item this user created with this content moments ago."""
    if user is None:
        return None
    return session.scalar(
        select(ItemVersion).join(Item, ItemVersion.item_id == Item.id)
        .where(ItemVersion.author_id == user.id, ItemVersion.content_hash == digest,
               ItemVersion.number == 1, Item.created_at > utcnow() - timedelta(seconds=30)))


def create_item(session: Session, plugins, user: User | None, data: dict, *,
                sources: Path | None = None, action: str = "created",
                outcomes: dict | None = None, commit: bool = True) -> Saved:
    """A new item with its first version as a draft written by ``user`` (None: written by
    no account, such as an import from the command line)."""
    uid = (data.get("id") or "").strip() or new_uid(session, data.get("title") or "")
    if uid in RESERVED_IDS:
        raise ItemEditError({"id": f"{uid!r} is reserved; choose another id."})
    checked = _validated(session, plugins, data, uid, sources, outcomes)
    if get_item(session, uid) is not None:
        raise ItemEditError({"id": f"An item with the id {uid!r} exists already."})
    content, digest = item_content(checked.item)
    # A double click on "Create" must not make the item twice.
    recent = _just_created(session, user, digest)
    if recent is not None and not data.get("id"):
        return Saved(recent.item, recent, checked.notes, changed=False)
    author_id = user.id if user else None
    item = Item(uid=uid, status="draft", origin=None, created_by_id=author_id)
    session.add(item)
    try:
        session.flush()
    except IntegrityError:  # the same id made by another request (worker) just now
        session.rollback()
        recent = _just_created(session, user, digest)
        if recent is not None and recent.item.uid == uid:
            return Saved(recent.item, recent, checked.notes, changed=False)
        raise ItemEditError({"id": f"An item with the id {uid!r} exists already."}) from None
    version = ItemVersion(item_id=item.id, number=1, status="draft", content_hash=digest,
                          author_id=author_id, updated_at=utcnow(), **content)
    session.add(version)
    session.flush()
    _event(session, item, user, action, number=1)
    _done(session, commit)
    return Saved(item, version, checked.notes)


def save(session: Session, plugins, user: User | None, item: Item, data: dict, *,
         sources: Path | None = None, expected_revision: int | None = None,
         action: str = "edited", outcomes: dict | None = None, commit: bool = True) -> Saved:
    """Save an edit: into the working draft, or, when the item has no draft, as a new draft
    version after the published one. Refused while the version is in review, and when the
    draft changed since the editor showed it (``expected_revision``)."""
    working = item.working_version
    if working is not None and working.status == "in_review":
        raise AuthoringError(N_("This version is in review; withdraw it from review to change "
                               "it."))
    if expected_revision is not None and expected_revision != revision(item):
        last = item.events[-1] if item.events else None
        if last is None or last.user is None:
            raise StaleEditError(N_("The item changed after you opened the editor; your text "
                                    "is still in the form: compare it with the item and "
                                    "save again."))
        raise StaleEditError(N_("%(who)s changed this item after you opened the editor; "
                                "your text is still in the form: compare it with the item "
                                "and save again."), who=last.user.name)
    checked = _validated(session, plugins, data, item.uid, sources, outcomes)
    content, digest = item_content(checked.item)
    now = utcnow()
    if working is not None and working.status == "draft":
        diff = changes(working.content(), _content_view(content))
        if not diff:
            return Saved(item, working, checked.notes, changed=False)
        # Only while it is still the draft this edit started from (another worker may have
        # submitted or saved it meanwhile).
        _move(session, working, "draft", "draft", content_hash=working.content_hash,
              values={**content, "content_hash": digest, "updated_at": now}, stale=True)
        _event(session, item, user, action, number=working.number,
               diff=[c.as_dict() for c in diff])
        _done(session, commit)
        return Saved(item, working, checked.notes)
    base = working.content() if working is not None else None
    diff = changes(base, _content_view(content))
    if working is not None and not diff:
        return Saved(item, working, checked.notes, changed=False)
    number = max((v.number for v in item.versions), default=0) + 1
    version = ItemVersion(item_id=item.id, number=number, status="draft", content_hash=digest,
                          author_id=user.id if user else None, updated_at=now, **content)
    session.add(version)
    session.flush()
    item.versions.append(version)
    _event(session, item, user, "revised" if action == "edited" else action, number=number,
           diff=[c.as_dict() for c in diff])
    _done(session, commit)
    return Saved(item, version, checked.notes)


def _content_view(content: dict) -> dict:
    """Stored columns in the shape of ItemVersion.content(), to compare with it."""
    view = {k: content[k] for k in ("type", "language", "title", "outcomes", "eqf_level",
                                    "stem", "payload", "feedback")}
    for key in ("source", "tags", "translations"):
        if content.get(key):
            view[key] = content[key]
    return view


def _move(session: Session, version: ItemVersion, old: str, new: str, *,
          content_hash: str | None = None, values: dict | None = None,
          stale: bool = False) -> None:
    """Change a version's status (and columns) only if it is still ``old`` (and still has
    ``content_hash``): a conditional update, so two workers acting on the same version at
    once cannot both succeed. Refused with AuthoringError (StaleEditError for an edit)."""
    query = update(ItemVersion).where(ItemVersion.id == version.id, ItemVersion.status == old)
    if content_hash is not None:
        query = query.where(ItemVersion.content_hash == content_hash)
    if not session.execute(query.values(status=new, **(values or {}))).rowcount:
        session.rollback()
        if stale:
            raise StaleEditError(N_("The item changed after you opened the editor; your "
                                    "text is still in the form: compare it with the item and "
                                    "save again."))
        raise AuthoringError(N_("The item changed meanwhile: look at it again."))
    session.expire(version)
