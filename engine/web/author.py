"""Trainers' pages: the item bank, and managing modules, lessons and assessments."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from engine.domain import cues
from engine.services import (
    bank_queries,
    blueprints,
    coverage,
    delivery,
    frameworks,
    integrity,
    modules_admin,
    reviews,
)
from engine.services.markdown import render_markdown
from engine.web.authoring import message
from engine.web.common import db, plugins, role_required

bp = Blueprint("author", __name__, url_prefix="/author")


def item_filters(args) -> dict:
    """The bank list's filters from query arguments (400 for a malformed number)."""
    try:
        level = int(args.get("eqf_level") or 0) or None
        author_id = int(args.get("author") or 0) or None
    except ValueError:
        abort(400)
    return {"text": args.get("text", ""), "outcome": args.get("outcome", "").strip(),
            "area": args.get("area", ""), "eqf_level": level, "band": args.get("band", ""),
            "qtype": args.get("type", ""), "status": args.get("status", ""),
            "language": args.get("language", ""), "author": author_id}


PAGE_SIZE = 100


@bp.route("/items")
@role_required("trainer")
def items():
    filters = item_filters(request.args)
    found = bank_queries.list_items(db(), **filters)
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(found) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    shown = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("author/items.html", items=shown, total=len(found), page=page,
                           pages=pages, args=args, filters=filters, areas=frameworks.areas(db()),
                           types=sorted(plugins().question_types.entries),
                           authors=bank_queries.authors(db()),
                           writers=[f for f in plugins().exchange_formats if f.can_write])


@bp.route("/items/bulk", methods=["POST"])
@role_required("trainer")
def bulk():
    """Submit or publish the items ticked in the bank list (each under the usual rules)."""
    action = request.form.get("action", "")
    uids = request.form.getlist("uids")
    back = request.form.get("next", "")
    if not back.startswith("/author/items") or back.startswith("//"):
        back = url_for("author.items")
    if action not in ("submit", "publish") or not uids:
        flash(_("Tick the items first."), "error")
        return redirect(back)
    done, refused = reviews.in_bulk(db(), current_user, uids, action)
    if done:
        flash(ngettext("%(num)d item submitted for review.", "%(num)d items submitted for "
                       "review.", len(done)) if action == "submit" else
              ngettext("%(num)d item published.", "%(num)d items published.", len(done)),
              "info")
    for uid, error in refused.items():
        flash(f"{uid}: {message(error)}", "error")
    return redirect(back)


@bp.route("/reviews", endpoint="reviews")
@role_required("trainer")
def review_queue():
    """Items waiting for a review by someone who did not write them."""
    return render_template("author/reviews.html",
                           items=bank_queries.review_queue(db(), current_user))


@bp.route("/coverage")
@role_required("trainer")
def coverage_page():
    """Published items over the ESQF grid: where the bank is thin."""
    view = "areas" if request.args.get("view") == "areas" else "rows"
    return render_template("author/coverage.html", cov=coverage.coverage(db()),
                           bands=coverage.BANDS, view=view)


def _module(uid: str):
    module = delivery.get_module(db(), uid)
    if module is None:
        abort(404)
    return module


@bp.route("/modules")
@role_required("trainer")
def modules():
    return render_template("author/modules.html", modules=delivery.list_modules(db()))


@bp.route("/modules/<uid>")
@role_required("trainer")
def module(uid: str):
    module = _module(uid)
    shortfalls = {a.uid: blueprints.check(db(), a.blueprint) if a.blueprint else []
                  for a in module.assessments}
    return render_template("author/module.html", module=module, shortfalls=shortfalls)


@bp.route("/modules/<uid>.yaml")
@role_required("trainer")
def module_file(uid: str):
    module = _module(uid)
    return Response(modules_admin.module_yaml(module), mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{module.uid}.yaml"'})


def _blueprint_from_form(form) -> list[dict]:
    rows = []
    for index in range(int(form.get("rows", 0) or 0)):
        prefix = f"row-{index}-"
        count = form.get(prefix + "count", "").strip()
        if not count:
            continue  # the empty row offered for adding one
        row: dict = {"count": count}
        outcomes = form.get(prefix + "outcomes", "").replace(",", " ").split()
        if outcomes:
            row["outcomes"] = outcomes
        if form.get(prefix + "area"):
            row["area"] = form[prefix + "area"]
        if form.get(prefix + "eqf_level"):
            row["eqf_level"] = form[prefix + "eqf_level"]
        if form.getlist(prefix + "types"):
            row["types"] = form.getlist(prefix + "types")
        if form.get(prefix + "points", "").strip():
            row["points"] = form[prefix + "points"].strip()
        rows.append(row)
    return rows


@bp.route("/assessments/<uid>", methods=["GET", "POST"])
@role_required("trainer")
def assessment(uid: str):
    session = db()
    assessment = delivery.get_assessment(session, uid)
    if assessment is None:
        abort(404)
    errors: dict[str, str] = {}
    spec = modules_admin.assessment_spec(assessment)
    if request.method == "POST":
        form = request.form
        data = {key: form.get(key, "").strip() or None
                for key in ("title", "pass_mark", "outcome_pass_mark", "time_limit", "attempts",
                            "cooling_off", "opens", "closes")}
        data["shuffle"] = "shuffle" in form
        data["practice"] = "practice" in form
        data["feedback"] = form.get("feedback", "after_submission")
        if assessment.scheme_uid:
            data["scheme"] = assessment.scheme_uid
        if form.get("mode") == "items":
            data["items"] = form.get("items", "").split()
        else:
            data["blueprint"] = _blueprint_from_form(form)
        data = {k: v for k, v in data.items() if v is not None}
        try:
            modules_admin.update_assessment(session, assessment, data,
                                            plugins().question_types)
        except modules_admin.ModuleEditError as exc:
            errors = exc.errors
            spec = {**spec, **data}
        else:
            flash(_("The assessment is saved."), "info")
            return redirect(url_for("author.module", uid=assessment.module.uid))
    areas = frameworks.areas(session)
    # The saved settings: their cue score and whether they may count toward a certificate.
    checked = integrity.evaluate_spec(session, plugins().question_types,
                                      modules_admin.assessment_spec(assessment))
    return render_template("author/assessment.html", assessment=assessment, spec=spec,
                           errors=errors, areas=areas, integrity=checked,
                           schemes=integrity.counts_toward(session, assessment.uid),
                           strategies=cues.STRATEGIES,
                           types=sorted(plugins().question_types.entries)), \
        400 if errors else 200


@bp.route("/modules/<uid>/lessons/<lesson_uid>", methods=["GET", "POST"])
@role_required("trainer")
def lesson(uid: str, lesson_uid: str):
    module = _module(uid)
    lesson = None if lesson_uid == "new" else next(
        (le for le in module.lessons if le.uid == lesson_uid), None)
    if lesson is None and lesson_uid != "new":
        abort(404)
    errors: dict[str, str] = {}
    data = {"id": lesson.uid, "title": lesson.title, "body": lesson.body} if lesson else \
        {"id": "", "title": "", "body": ""}
    if request.method == "POST":
        data = {"id": lesson.uid if lesson else request.form.get("id", "").strip(),
                "title": request.form.get("title", "").strip(),
                "body": request.form.get("body", "")}
        try:
            modules_admin.update_lesson(db(), module, lesson, data)
        except modules_admin.ModuleEditError as exc:
            errors = exc.errors
        else:
            flash(_("The lesson is saved."), "info")
            return redirect(url_for("author.module", uid=module.uid))
    return render_template("author/lesson.html", module=module, lesson=lesson, data=data,
                           errors=errors, preview=render_markdown(data["body"])), \
        400 if errors else 200
