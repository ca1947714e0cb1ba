"""Importing and exporting items through the exchange formats (native YAML, QTI 3.0, Moodle
XML, GIFT).

An import is read and validated as a whole first (``read_import``): every item goes through
the same check as the bank and the editor, and the trainer sees every problem, with file,
item and field, and what each valid item would do (new, a new version of an existing item,
unchanged). Nothing is written until the trainer confirms (``confirm``); then the valid
items are written as drafts, by a background job with recorded progress when there are many
(``run_import``, restartable: an item written before is found unchanged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.domain.exchange import ExchangeFormat, ImportDefaults, Problem, WriteResult
from engine.domain.questiontypes import call
from engine.domain.text import N_, UserError
from engine.models import ImportJob, Item, Media, User, utcnow
from engine.services import authoring, media
from engine.services.bank_loading import item_content
from engine.services.item_checks import check_item

COMMIT_EVERY = 25
#: how long a worker holds an import it writes without renewing (it renews every 25 items)
LEASE = timedelta(seconds=60)


class ExchangeError(UserError):
    """An import or export that cannot be done (no such format, a file no format reads)."""


def readers(plugins) -> list[ExchangeFormat]:
    return [f for f in plugins.exchange_formats if f.can_read]


def writers(plugins) -> list[ExchangeFormat]:
    return [f for f in plugins.exchange_formats if f.can_write]


def detect(plugins, data: bytes, filename: str, chosen: str | None = None) -> ExchangeFormat:
    """The chosen format, or the first that recognises the file."""
    if chosen:
        if chosen not in plugins.exchange_formats:
            raise ExchangeError(N_("No exchange format %(name)s."), name=chosen)
        return plugins.exchange_formats.get(chosen)
    for fmt in readers(plugins):
        if fmt.sniff(data, filename):
            return fmt
    raise ExchangeError(N_("No format recognises %(file)s; choose the format."), file=filename)


def _plan(session: Session, item: dict) -> str:
    existing = session.scalar(select(Item).where(Item.uid == item["id"]))
    if existing is None:
        return "new"
    working = existing.working_version
    _content, digest = item_content(item)
    if working is not None and working.content_hash == digest:
        return "unchanged"
    if working is not None and working.status == "in_review":
        return "in_review"
    return "changed"


def read_import(session: Session, plugins, user: User | None, data: bytes, filename: str, *,
                fmt: str | None = None, defaults: ImportDefaults | None = None,
                sources: Path | None = None, media_limit: int = 2 * 1024 * 1024) -> ImportJob:
    """Read and validate a file; record what would be imported, and every problem."""
    defaults = defaults or ImportDefaults()
    reader = detect(plugins, data, filename, fmt)
    result = reader.read(data, filename=filename, defaults=defaults)
    problems: list[Problem] = list(result.problems)
    stored: list[int] = []
    for name, blob in result.media.items():
        try:
            stored.append(media.store(session, user, blob, name, max_bytes=media_limit).id)
        except media.MediaError as exc:
            problems.append(Problem(f"{filename}/media/{name}", str(exc)))
    outcomes = authoring.outcome_index(session)
    valid: list[dict] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(result.items):
        where = raw.pop("_where", None) if isinstance(raw, dict) else None
        file, line = (where or {}).get("file") or filename, (where or {}).get("line")
        uid = raw.get("id") if isinstance(raw, dict) else None
        label = uid if isinstance(uid, str) and uid else f"#{index + 1}"
        if label in seen:
            problems.append(Problem(file, f"Duplicate item id; also in {seen[label]}.",
                                    item=label, field="id", line=line))
            continue
        seen[label] = file
        checked = check_item(raw, plugins.question_types, outcomes, sources=sources)
        for field, msg in checked.errors.items():
            problems.append(Problem(file, msg, item=label, field=field, line=line))
        if checked.item is None:
            continue
        plan = _plan(session, checked.item)
        if plan == "in_review":
            problems.append(Problem(file, "The item's next version is in review; withdraw or "
                                          "publish it before importing a new one.",
                                    item=label, line=line))
            continue
        valid.append({"item": checked.item, "plan": plan, "notes": checked.notes,
                      "file": file})
    job = ImportJob(created_by_id=user.id if user else None, filename=filename[:300],
                    format=reader.name, status="validated",
                    defaults={"language": defaults.language, "outcomes": list(defaults.outcomes),
                              "eqf_level": defaults.eqf_level},
                    items=valid, problems=[asdict(p) for p in problems],
                    skipped=[asdict(s) for s in result.skipped], media=stored,
                    total=sum(1 for v in valid if v["plan"] != "unchanged"), done=0, results={})
    session.add(job)
    session.commit()
    return job


def summary(job: ImportJob) -> dict[str, int]:
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    for entry in job.items:
        counts[entry["plan"]] = counts.get(entry["plan"], 0) + 1
    return counts


def confirm(session: Session, job: ImportJob) -> None:
    """The trainer confirms the valid part: queue it for writing."""
    if job.status != "validated":
        raise ExchangeError(N_("This import was already confirmed or cancelled."))
    if not job.total:
        raise ExchangeError(N_("Nothing to import: no valid item is new or changed."))
    _transition(session, job, ("validated",), status="queued")


def cancel(session: Session, job: ImportJob) -> None:
    if job.status != "validated":
        raise ExchangeError(N_("Only an import that waits for confirmation can be cancelled."))
    _transition(session, job, ("validated",), status="cancelled", finished_at=utcnow())


def _transition(session: Session, job: ImportJob, old: tuple[str, ...], **values) -> None:
    """Change a job only if it is still in one of the ``old`` states: a conditional update,
    so a double click or a second worker finds it done already."""
    if not session.execute(update(ImportJob).where(ImportJob.id == job.id,
                                                   ImportJob.status.in_(old))
                           .values(**values)).rowcount:
        session.rollback()
        raise ExchangeError(N_("This import was already confirmed or cancelled."))
    session.commit()
    session.refresh(job)


def _claim(session: Session, job_id: int) -> bool:
    """Take the job for this worker (see ImportJob.lease_until); False when another worker
    holds it."""
    now = utcnow()
    claimed = session.execute(
        update(ImportJob).where(
            ImportJob.id == job_id, ImportJob.status.in_(("queued", "writing", "failed")),
            or_(ImportJob.lease_until.is_(None), ImportJob.lease_until < now))
        .values(status="writing", lease_until=now + LEASE, error="")).rowcount
    session.commit()
    return bool(claimed)


def run_import(session: Session, plugins, job_id: int, *, sources: Path | None = None,
               progress: Callable[[int, int], None] | None = None,
               stop_after: int | None = None) -> ImportJob:
    """Write a confirmed import's new and changed items as drafts, recording progress.

    Commits every COMMIT_EVERY items with the progress, so the work done survives an
    interruption; run again, it goes on from there. An item that cannot be written (the
    bank changed since the check) is recorded with its reason; the items written with it
    since the last commit are written again."""
    if not _claim(session, job_id):
        return session.get(ImportJob, job_id)
    job = session.get(ImportJob, job_id)
    session.refresh(job)
    try:
        return _run(session, plugins, job, sources, progress, stop_after)
    except Exception as exc:  # a bug or a lost database: say so on the job's page
        session.rollback()
        job = session.get(ImportJob, job_id)
        job.status, job.error, job.lease_until = "failed", str(exc)[:1000], None
        session.commit()
        raise


def _run(session: Session, plugins, job: ImportJob, sources, progress, stop_after) -> ImportJob:
    job_id = job.id
    user = session.get(User, job.created_by_id) if job.created_by_id else None
    outcomes = authoring.outcome_index(session)
    pending = [e for e in job.items if e["plan"] != "unchanged"]
    results = dict(job.results or {})
    errors: dict[str, str] = dict(results.get("errors", {}))
    index = start = job.done
    while index < len(pending):
        if stop_after is not None and index - start >= stop_after:
            break
        item = pending[index]["item"]
        if item["id"] in errors:
            index += 1
            continue
        try:
            key = _write(session, plugins, user, item, sources, outcomes)
        except (authoring.ItemEditError, authoring.AuthoringError) as exc:
            session.rollback()  # back to the last commit: write those items again
            job = session.get(ImportJob, job_id)
            errors[item["id"]] = str(exc)[:500]
            results = {**(job.results or {}), "errors": errors, "failed": len(errors)}
            job.results = results
            session.commit()
            index = job.done
            continue
        results[key] = results.get(key, 0) + 1
        index += 1
        if index % COMMIT_EVERY == 0 or index == len(pending):
            job.done, job.results = index, dict(results)
            job.lease_until = utcnow() + LEASE
            session.commit()
            if progress:
                progress(index, len(pending))
    job.done, job.results, job.lease_until = index, dict(results), None
    if index >= len(pending):
        job.status, job.finished_at = "done", utcnow()
    session.commit()
    return job


def _write(session: Session, plugins, user: User | None, item: dict, sources, outcomes) -> str:
    existing = authoring.get_item(session, item["id"])
    if existing is None:
        authoring.create_item(session, plugins, user, item, sources=sources,
                              action="imported", outcomes=outcomes, commit=False)
        return "created"
    saved = authoring.save(session, plugins, user, existing, item, sources=sources,
                           action="imported", outcomes=outcomes, commit=False)
    return "revised" if saved.changed else "unchanged"


def unfinished(session: Session) -> list[ImportJob]:
    return list(session.scalars(select(ImportJob).where(
        ImportJob.status.in_(("queued", "writing", "failed")))))


def select_items(session: Session, uids: list[str] | None = None) -> list[Item]:
    """Items by uid (all when ``uids`` is None), in uid order."""
    query = select(Item).order_by(Item.uid)
    if uids:
        query = query.where(Item.uid.in_(uids))
    return list(session.scalars(query))


def export(session: Session, plugins, fmt_name: str, uids: list[str] | None,
           *, include_drafts: bool = False) -> WriteResult:
    """The items (all, or the ones named) in a format: each item's published version, or
    its working draft when it was never published (or ``include_drafts``)."""
    if fmt_name not in plugins.exchange_formats or \
            not plugins.exchange_formats.get(fmt_name).can_write:
        raise ExchangeError(N_("No exchange format %(name)s."), name=fmt_name)
    writer = plugins.exchange_formats.get(fmt_name)
    items = []
    for item in select_items(session, uids):
        version = item.working_version if include_drafts or item.current_version is None \
            else item.current_version
        if version is not None:
            items.append({"id": item.uid, **version.content()})
    if uids:
        missing = sorted(set(uids) - {i["id"] for i in items})
        if missing:
            raise ExchangeError(N_("No such item: %(ids)s.") if len(missing) == 1 else
                                N_("No such items: %(ids)s."), ids=", ".join(missing))
    if not items:
        raise ExchangeError(N_("No items to export."))
    files = _media_of(session, items)
    try:
        return call(writer.write, items, media=files)
    except ValueError as exc:  # a format that refuses an item names it (QtiError)
        raise ExchangeError(N_("The items cannot be written as %(format)s: %(reason)s"),
                            format=writer.label, reason=str(exc)) from None


def _media_of(session: Session, items: list[dict]) -> dict[str, bytes]:
    texts = []
    for item in items:
        texts += [item.get("stem", ""), item.get("feedback", "")]
        for variant in (item.get("translations") or {}).values():
            texts += [variant.get("stem", ""), variant.get("feedback", "")]
    found = {}
    for name in media.referenced(texts):
        stored = media.find(session, name)
        if stored is not None:
            found[name] = session.scalar(select(Media.data).where(Media.id == stored.id))
    return found
