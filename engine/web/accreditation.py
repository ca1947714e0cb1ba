"""Accreditation officers' pages: schemes, eligibility, issuing (one or in bulk),
revocation, renewal, reminders and the audit log."""

from __future__ import annotations

from flask import (
    Blueprint,
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

from engine.models import IssueBatch, utcnow
from engine.services import audit, batches, certification, eligibility, mastery, schemes
from engine.services.delivery import list_modules
from engine.web.common import db, plugins, role_required

bp = Blueprint("accreditation", __name__, url_prefix="/accreditation")


@bp.route("/certificates")
@role_required("officer")
def certificates():
    return render_template("accreditation/certificates.html",
                           certificates=certification.all_certificates(db()), now=utcnow())


def _certificate(public_id: str):
    cert = certification.get_certificate(db(), public_id)
    if cert is None:
        abort(404)
    return cert


@bp.route("/certificates/<public_id>", methods=["GET", "POST"])
@role_required("officer")
def certificate(public_id: str):
    cert = _certificate(public_id)
    if request.method == "POST":
        try:
            if request.form.get("action") == "revoke":
                certification.revoke(db(), cert, current_user, request.form.get("reason", ""),
                                     public_reason=request.form.get("public_reason", ""))
                flash(_("The certificate is revoked."), "info")
            elif request.form.get("action") == "renew":
                new = certification.renew(db(), cert, current_user)
                flash(_("Renewed as %(id)s.", id=new.public_id), "info")
                return redirect(url_for("accreditation.certificate", public_id=new.public_id))
        except certification.CertificationError as exc:
            flash(str(exc), "error")
        return redirect(url_for("accreditation.certificate", public_id=cert.public_id))
    history = [e for e in audit.entries(db(), limit=1000) if e.subject == cert.public_id]
    return render_template("accreditation/certificate.html", cert=cert, now=utcnow(),
                           public_reasons=certification.PUBLIC_REASONS,
                           renewable=certification.renewable(cert), history=history,
                           document_extensions=[r.file_extension for r in plugins().renderers])


@bp.route("/schemes")
@role_required("officer")
def scheme_list():
    return render_template("accreditation/schemes.html", schemes=schemes.list_schemes(db()))


def _scheme_form_data(form) -> dict:
    def words(name):
        return form.get(name, "").replace(",", " ").split()

    requires: dict = {"assessments": form.getlist("assessments"),
                      "modules": form.getlist("modules"), "sign_off": "sign_off" in form}
    if words("mastery_outcomes"):
        requires["mastery"] = {"outcomes": words("mastery_outcomes"),
                               "threshold": form.get("mastery_threshold") or 80}
    data = {"id": form.get("id", "").strip(), "title": form.get("title", "").strip(),
            "description": form.get("description", "").strip(),
            "eqf_level": form.get("eqf_level"), "outcomes": words("outcomes"),
            "requires": requires, "validity_months": form.get("validity_months") or None}
    if form.get("renewal_window"):
        data["renewal"] = {"window_days": form["renewal_window"],
                           "rule": form.get("renewal_rule", "reassess")}
    return data


@bp.route("/schemes/new", methods=["GET", "POST"], defaults={"uid": None})
@bp.route("/schemes/<uid>/edit", methods=["GET", "POST"])
@role_required("officer")
def scheme_form(uid: str | None):
    session = db()
    scheme = schemes.get_scheme(session, uid) if uid else None
    if uid and scheme is None:
        abort(404)
    errors: dict[str, str] = {}
    data = None
    if request.method == "POST":
        data = _scheme_form_data(request.form)
        if scheme is not None:
            data["id"] = scheme.uid
        try:
            saved = schemes.save_scheme(session, current_user, data, scheme,
                                         question_types=plugins().question_types)
        except schemes.SchemeError as exc:
            errors = exc.errors
        else:
            flash(_("The scheme is saved (version %(v)d).", v=saved.version), "info")
            return redirect(url_for("accreditation.eligible", uid=saved.uid))
    modules = list_modules(session)
    assessments = [a for m in modules for a in m.assessments]
    return render_template("accreditation/scheme_form.html", scheme=scheme, data=data,
                           errors=errors, modules=modules, assessments=assessments), \
        400 if errors else 200


@bp.route("/schemes/<uid>/eligibility", methods=["GET", "POST"])
@role_required("officer")
def eligible(uid: str):
    session = db()
    scheme = schemes.get_scheme(session, uid)
    if scheme is None:
        abort(404)
    organisation = request.values.get("organisation") or None
    if request.method == "POST":
        if scheme.requires.get("sign_off") and "sign_off" not in request.form:
            flash(_("This scheme needs your sign-off: confirm it to issue."), "error")
            return redirect(url_for("accreditation.eligible", uid=uid,
                                    organisation=organisation))
        chosen = [int(x) for x in request.form.getlist("user") if x.isdigit()]
        try:
            batch = batches.create_batch(session, scheme, current_user,
                                         chosen if request.form.get("scope") == "selected"
                                         else None, organisation)
        except certification.CertificationError as exc:
            flash(str(exc), "error")
            return redirect(url_for("accreditation.eligible", uid=uid,
                                    organisation=organisation))
        from engine.tasks import enqueue_batch

        enqueue_batch(current_app, batch.id)
        return redirect(url_for("accreditation.batch", batch_id=batch.id))
    rows = eligibility.report(session, scheme, organisation)
    holders = {r.user.id: certification.current_certificate(session, r.user, scheme)
               for r in rows}
    return render_template("accreditation/eligibility.html", scheme=scheme, rows=rows,
                           holders=holders, organisation=organisation,
                           organisations=mastery.organisations(session))


@bp.route("/batches/<int:batch_id>")
@role_required("officer")
def batch(batch_id: int):
    found = db().get(IssueBatch, batch_id)
    if found is None:
        abort(404)
    users = batches.users_of(db(), found)
    return render_template("accreditation/batch.html", batch=found, users=users,
                           progress=batches.progress(found))


@bp.route("/batches/<int:batch_id>.json")
@role_required("officer")
def batch_json(batch_id: int):
    found = db().get(IssueBatch, batch_id)
    if found is None:
        abort(404)
    return jsonify(batches.progress(found))


@bp.route("/expiring")
@role_required("officer")
def expiring():
    try:
        days = max(1, min(int(request.args.get("days", 60)), 3650))
    except ValueError:
        abort(400)
    return render_template("accreditation/expiring.html", days=days,
                           certificates=certification.expiring(db(), days))


@bp.route("/audit")
@role_required("officer")
def audit_log():
    """The audit log, filtered by kind (security or certification), action and person."""
    args = request.args
    kind = args.get("kind") if args.get("kind") in ("security", "certification") else None
    if not current_user.has_role("admin"):
        kind = "certification"  # security events (addresses, typed emails) are admins' only
    action = args.get("action", "").strip()[:40] or None
    who = args.get("who", "").strip()[:200] or None
    return render_template("accreditation/audit.html",
                           entries=audit.entries(db(), 500, action=action, kind=kind, who=who),
                           actions=audit.actions(db()), kind=kind, action=action, who=who,
                           checked=bool(args.get("check")),
                           problems=audit.check(db()) if args.get("check") else None)
