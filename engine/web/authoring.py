"""Trainers' item pages: the editor, the item's page with its lifecycle actions and history,
the preview, and the review queue. Routes parse the form, call one authoring service and
render; the rules (four eyes, immutable published versions) live in the service."""

from __future__ import annotations

import secrets
from pathlib import Path

import yaml
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.diffs import changes
from engine.domain.questiontypes import ItemValidationError
from engine.domain.text import UserError
from engine.services import authoring, bank_queries, frameworks, integrity, previews, reviews
from engine.services.authoring import AuthoringError, ItemEditError
from engine.web.auth import kept_form
from engine.web.common import db, plugins, role_required, token_secret
from engine.web.nested_forms import FormDataError, from_request_form
from plugins.native_yaml import dump_item

bp = Blueprint("authoring", __name__, url_prefix="/author/items")
ACTIONS = {"submit", "withdraw", "comment", "send-back", "publish", "retire", "restore",
           "discard"}


def message(error: UserError) -> str:
    return _(error.message, **error.params) if error.params else _(error.message)


def _sources() -> Path:
    return Path(current_app.config["ITEM_BANK_PATH"]) / "sources"


def _item(uid: str):
    item = authoring.get_item(db(), uid)
    if item is None:
        abort(404)
    return item


def _qtype(name: str):
    if name not in plugins().question_types:
        abort(404)
    return plugins().question_types.get(name)


def _form_data(version) -> dict:
    """A version's content as the editor's fields show it."""
    qtype = plugins().question_types.get(version.type)
    content = version.content()
    content["payload"] = qtype.to_author_form(content["payload"])
    content["translations_yaml"] = yaml.safe_dump(content.pop("translations"),
                                                  allow_unicode=True, sort_keys=False) \
        if content.get("translations") else ""
    return content


def _posted(qtype, form=None) -> tuple[dict, dict[str, str]]:
    """The item the editor posted (or ``form``, kept when a session ended), and fields that
    could not even be read."""
    form = request.form if form is None else form
    unreadable: dict[str, str] = {}
    try:
        data = from_request_form(form)
    except FormDataError as exc:
        data, unreadable = exc.data, exc.errors
        # Shown again as typed, to be corrected.
        data["_raw"] = {name: form.get(f"{name}:yaml", "") for name in unreadable}
    data["type"] = qtype.name
    data["payload"] = qtype.from_author_form(data.get("payload") or {})
    if "translations_yaml" in data:
        data["translations"] = data.pop("translations_yaml") or {}
    data.setdefault("outcomes", [])
    data.setdefault("tags", [])
    return data, unreadable


def _editor(qtype, data: dict, *, item=None, errors=None, notes=None, status=200):
    """The editor page. Fields posted in a shape the form never sends (a list where a
    mapping belongs…) cannot be shown as typed: the page then shows the rest, and says so,
    instead of failing."""
    from jinja2 import UndefinedError

    try:
        return _editor_page(qtype, data, item=item, errors=errors, notes=notes, status=status)
    except (UndefinedError, TypeError, AttributeError, KeyError):
        kept = {k: v for k, v in data.items() if isinstance(v, str | int | float | list)
                and k in ("title", "stem", "feedback", "language", "eqf_level", "id")}
        errors = {**(errors or {}),
                  "payload": _("The question's content arrived in a form the editor cannot "
                               "show; enter it again.")}
        return _editor_page(qtype, {**kept, "payload": {}}, item=item, errors=errors,
                            notes=notes, status=400)


def _editor_page(qtype, data: dict, *, item=None, errors=None, notes=None, status=200):
    payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
    view = dict(data)
    raw = view.pop("_raw", {})
    if "translations" in view and "translations_yaml" not in view:
        view["translations_yaml"] = yaml.safe_dump(view["translations"], allow_unicode=True,
                                                   sort_keys=False) if view["translations"] \
            else ""
    if "translations_yaml" in raw:
        view["translations_yaml"] = raw["translations_yaml"]
    return render_template(
        "author/item_form.html", qtype=qtype, item=item, data=view, payload=payload,
        cue_flags=_cue_flags({**data, "id": item.uid if item else "new"}),
        errors=errors or {}, notes=notes or [], extra=qtype.author_context(payload),
        outcomes=frameworks.educational_outcomes(db()), documents=_documents(),
        payload_yaml=raw.get("payload") or (yaml.safe_dump(
            payload, allow_unicode=True, sort_keys=False) if payload else ""),
        revision=authoring.revision(item) if item is not None else None,
        variant_errors=any(k.startswith("translations") for k in errors or {})), status


def _documents() -> list[str]:
    folder = _sources()
    names = sorted(p.name for p in folder.glob("*.txt")) if folder.is_dir() else []
    return [(name, name) for name in names]


def _check_only(qtype, data: dict, item=None):
    """Validate without saving (the editor's "Check" button): errors and the graph."""
    from engine.services.item_checks import check_item

    checked = check_item({**data, "id": item.uid if item else data.get("id") or "new-item"},
                         plugins().question_types, authoring.outcome_index(db()),
                         sources=_sources())
    if not checked.errors:
        flash(_("No problems found; the item is not saved yet."), "info")
    return _editor(qtype, data, item=item, errors=checked.errors, notes=checked.notes,
                   status=400 if checked.errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@role_required("trainer")
def new():
    name = request.values.get("type", "")
    if not name:
        types = sorted(plugins().question_types, key=lambda t: t.label)
        return render_template("author/item_new.html", types=types)
    qtype = _qtype(name)
    if request.method == "GET":
        kept = kept_form(request.path)
        if kept is not None:
            return _editor(qtype, _posted(qtype, kept)[0])[0]
        return _editor(qtype, {"language": "nl", "payload": {}})[0]
    data, unreadable = _posted(qtype)
    if unreadable:
        return _editor(qtype, data, errors=unreadable, status=400)
    if request.form.get("action") == "check":
        return _check_only(qtype, data)
    try:
        saved = authoring.create_item(db(), plugins(), current_user, data, sources=_sources())
    except ItemEditError as exc:
        return _editor(qtype, data, errors=exc.errors, notes=exc.notes, status=400)
    return _after_save(saved)


def _after_save(saved):
    for note in saved.notes:
        flash(note, "info")
    flash(_("The draft is saved.") if saved.changed else _("Nothing changed."), "info")
    if request.form.get("action") == "preview":
        return redirect(url_for("authoring.preview", uid=saved.item.uid,
                                version=saved.version.number))
    return redirect(url_for("authoring.item", uid=saved.item.uid))


@bp.route("/<uid>/edit", methods=["GET", "POST"])
@role_required("trainer")
def edit(uid: str):
    item = _item(uid)
    working = item.working_version
    qtype = _qtype(working.type)
    if request.method == "GET":
        if working.status == "in_review":
            flash(_("This version is in review; withdraw it from review to change it."), "info")
            return redirect(url_for("authoring.item", uid=uid))
        kept = kept_form(request.path)
        if kept is not None:  # typed before the session ended: shown again, to be saved
            return _editor(qtype, _posted(qtype, kept)[0], item=item)[0]
        return _editor(qtype, _form_data(working), item=item)[0]
    data, unreadable = _posted(qtype)
    if unreadable:
        return _editor(qtype, data, item=item, errors=unreadable, status=400)
    if request.form.get("action") == "check":
        return _check_only(qtype, data, item)
    try:
        expected = int(request.form.get("revision", ""))
    except ValueError:
        expected = None
    try:
        saved = authoring.save(db(), plugins(), current_user, item, data, sources=_sources(),
                               expected_revision=expected)
    except ItemEditError as exc:
        return _editor(qtype, data, item=item, errors=exc.errors, notes=exc.notes, status=400)
    except AuthoringError as exc:  # changed meanwhile, or put in review: keep the text
        flash(message(exc), "error")
        return _editor(qtype, data, item=item, status=409)
    return _after_save(saved)


@bp.route("/<uid>")
@role_required("trainer")
def item(uid: str):
    item = _item(uid)
    session = db()
    working = item.working_version
    return render_template(
        "author/item.html", item=item, working=working,
        qtype=plugins().question_types.get(working.type) if working else None,
        events=list(reversed(item.events)), uses=bank_queries.attempts_per_version(session, item),
        listed=bank_queries.uses(session, item), publish_refusal=reviews.may_publish(
            item, current_user), contributors=authoring.contributors(item, working.number)
        if working else set(), outcomes=frameworks.outcome_texts(
            session, list(working.outcomes) if working else []),
        export_formats=[f for f in plugins().exchange_formats if f.can_write],
        cue_flags=_cue_flags(integrity.version_item(item.uid, working)) if working else [])


def _cue_flags(item: dict) -> dict:
    """The cue flags of an item as written (nothing when it is incomplete or invalid)."""
    try:
        return integrity.grouped_flags(integrity.item_flags(item, plugins().question_types))
    except (KeyError, TypeError, ValueError, AttributeError):
        return []


@bp.route("/<uid>/versions/<int:number>")
@role_required("trainer")
def version(uid: str, number: int):
    item = _item(uid)
    version = next((v for v in item.versions if v.number == number), None)
    if version is None:
        abort(404)
    before = next((v for v in reversed(item.versions) if v.number < number), None)
    diff = changes(before.content() if before else None, version.content())
    return render_template("author/version.html", item=item, version=version, before=before,
                           diff=[c.as_dict() for c in diff],
                           content_yaml=dump_item({"id": item.uid, **version.content()}))


@bp.route("/<uid>/<action>", methods=["POST"])
@role_required("trainer")
def act(uid: str, action: str):
    if action not in ACTIONS:
        abort(404)
    item = _item(uid)
    session, text = db(), request.form.get("comment", "")
    try:
        if action == "submit":
            reviews.submit(session, current_user, item)
            flash(_("The item is submitted for review."), "info")
        elif action == "withdraw":
            reviews.withdraw(session, current_user, item)
            flash(_("The item is back in draft."), "info")
        elif action == "comment":
            reviews.comment(session, current_user, item, text)
        elif action == "send-back":
            reviews.send_back(session, current_user, item, text)
            flash(_("The item is sent back to its authors."), "info")
        elif action == "publish":
            reviews.publish(session, current_user, item,
                              request.form.get("content_hash") or None)
            flash(_("The item is published."), "info")
        elif action == "retire":
            reviews.retire(session, current_user, item, text)
            flash(_("The item is retired: new attempts no longer get it."), "info")
        elif action == "restore":
            reviews.restore(session, current_user, item)
            flash(_("The item is published again."), "info")
        elif action == "discard":
            if reviews.discard(session, current_user, item):
                flash(_("The draft item is deleted."), "info")
                return redirect(url_for("author.items"))
            flash(_("The draft is discarded."), "info")
    except AuthoringError as exc:
        session.rollback()
        flash(message(exc), "error")
    return redirect(url_for("authoring.item", uid=uid))


@bp.route("/<uid>/preview", methods=["GET", "POST"])
@role_required("trainer")
def preview(uid: str):
    """The item as a learner sees it; the trainer answers and sees score and feedback."""
    item = _item(uid)
    number = request.values.get("version", type=int)
    version = next((v for v in item.versions if v.number == number), None) \
        if number else item.working_version
    if version is None:
        abort(404)
    language = request.values.get("lang") or None
    if language not in (version.translations or {}):
        language = None
    seed = request.values.get("seed", type=int)
    if seed is None:
        seed = secrets.randbelow(2**31)
    action = request.form.get("action", "")
    answer, row, status = None, None, 200
    if request.method == "POST":
        fields = {}
        for name in request.form:
            if name == "item-0" or name.startswith("item-0."):
                fields[name[len("item-0."):] if "." in name else ""] = request.form.getlist(name)
        try:
            if action == "grade":
                answer = previews.load_answer(plugins(), version, _json(request.form.get(
                    "answer")), language=language)
                grades = {"criteria": {k[len("criterion-"):]: v for k, v in request.form.items()
                                       if k.startswith("criterion-") and v}}
                row = previews.scored(plugins(), version, answer, language=language,
                                      grades=grades)
            else:
                previous = previews.load_answer(plugins(), version, _json(
                    request.form.get("answer")), language=language)
                answer = previews.answer_from_form(plugins(), version, seed, fields,
                                                   language=language, secret=token_secret(),
                                                   previous=previous)
                shown = previews.deliverable(plugins(), version, seed, language=language,
                                             secret=token_secret(), answer=answer)
                stepping = action == "step-0" and shown.view.get("current") is not None
                if not stepping:
                    row = previews.scored(plugins(), version, answer, language=language)
        except (ItemValidationError, ValueError) as exc:
            flash(_("Your answer was not accepted: %(msg)s", msg=str(exc)), "error")
            status = 400
    shown = previews.deliverable(plugins(), version, seed, language=language,
                                 secret=token_secret(), answer=answer)
    return render_template("author/preview.html", item=item, version=version, shown=shown,
                           row=row, seed=seed, language=language, answer=answer), status


def _json(text: str | None):
    import json

    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        abort(400)
