"""Trainers' import and export pages: a file is read and validated as a whole, the trainer
sees every problem and confirms the valid part; exports download a selection or the bank."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.exchange import ImportDefaults
from engine.models import ImportJob
from engine.services import exchange, frameworks
from engine.web.authoring import message
from engine.web.common import db, plugins, role_required
from engine.web.limits import limiter, upload_limit

bp = Blueprint("exchange", __name__, url_prefix="/author/exchange")


def _sources() -> Path:
    return Path(current_app.config["ITEM_BANK_PATH"]) / "sources"


@bp.route("/")
@role_required("trainer")
def index():
    return render_template("author/exchange.html", readers=exchange.readers(plugins()),
                           writers=exchange.writers(plugins()),
                           areas=frameworks.areas(db()))


def _defaults(form) -> ImportDefaults:
    try:
        level = int(form.get("eqf_level") or 0) or None
    except ValueError:
        level = None
    outcomes = tuple(form.get("outcomes", "").replace(",", " ").split())
    return ImportDefaults(language=form.get("language") or "nl", outcomes=outcomes,
                          eqf_level=level)


@bp.route("/import", methods=["POST"])
@role_required("trainer")
@limiter.limit(upload_limit)
def upload():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to import."), "error")
        return redirect(url_for("exchange.index"))
    data = upload.read()
    try:
        job = exchange.read_import(db(), plugins(), current_user, data, upload.filename,
                                   fmt=request.form.get("format") or None,
                                   defaults=_defaults(request.form), sources=_sources(),
                                   media_limit=current_app.config["MEDIA_MAX_BYTES"])
    except exchange.ExchangeError as exc:
        flash(message(exc), "error")
        return redirect(url_for("exchange.index"))
    return redirect(url_for("exchange.job", job_id=job.id))


def _job(job_id: int) -> ImportJob:
    job = db().get(ImportJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/imports/<int:job_id>")
@role_required("trainer")
def job(job_id: int):
    job = _job(job_id)
    return render_template("author/import.html", job=job, counts=exchange.summary(job),
                           fmt=plugins().exchange_formats.get(job.format)
                           if job.format in plugins().exchange_formats else None)


@bp.route("/imports/<int:job_id>.json")
@role_required("trainer")
def job_json(job_id: int):
    job = _job(job_id)
    return jsonify(id=job.id, status=job.status, done=job.done, total=job.total,
                   results={k: v for k, v in (job.results or {}).items() if k != "errors"})


@bp.route("/imports/<int:job_id>/<action>", methods=["POST"])
@role_required("trainer")
def job_action(job_id: int, action: str):
    job = _job(job_id)
    if job.created_by_id not in (None, current_user.id) and not current_user.has_role("admin"):
        abort(403)  # the trainer who uploaded the file decides what is written
    try:
        if action == "confirm":
            exchange.confirm(db(), job)
            from engine.tasks import enqueue_import

            enqueue_import(current_app, job.id)
        elif action == "cancel":
            exchange.cancel(db(), job)
            flash(_("The import is cancelled; nothing was written."), "info")
        elif action == "resume" and job.status in ("queued", "writing", "failed"):
            from engine.tasks import enqueue_import

            enqueue_import(current_app, job.id)
        else:
            abort(404)
    except exchange.ExchangeError as exc:
        flash(message(exc), "error")
    return redirect(url_for("exchange.job", job_id=job.id))


@bp.route("/export")
@role_required("trainer")
def export():
    """Download items: the ones named (``ids``), those matching the bank's filters, or all."""
    from engine.web.author import item_filters

    fmt = request.args.get("format", "native")
    ids = [i for part in request.args.getlist("ids") for i in part.replace(",", " ").split()]
    filters = item_filters(request.args)
    if not ids and any(v for v in filters.values()):
        from engine.services import bank_queries

        ids = [item.uid for item in bank_queries.list_items(db(), **filters)]
        if not ids:
            flash(_("No items match these filters."), "error")
            return redirect(url_for("author.items", **request.args))
    try:
        result = exchange.export(db(), plugins(), fmt, ids or None,
                                 include_drafts=request.args.get("drafts") == "1")
    except exchange.ExchangeError as exc:
        flash(message(exc), "error")
        return redirect(url_for("exchange.index"))
    media_type = result.media_type or plugins().exchange_formats.get(fmt).media_type
    headers = {"Content-Disposition": f'attachment; filename="{result.filename}"'}
    if result.skipped:
        headers["X-Skipped-Items"] = str(len(result.skipped))
    return Response(result.data, mimetype=media_type.split(";")[0], headers=headers)
