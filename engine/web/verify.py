"""Public verification of certificates: no account needed."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from engine.services import certification
from engine.web.common import db, public
from engine.web.limits import limiter, verify_limit

bp = Blueprint("verify", __name__)


@bp.route("/verify", methods=["GET"])
@public
@limiter.shared_limit(verify_limit, scope="verify")
def lookup():
    public_id = request.args.get("id", "").strip()
    if public_id:
        return redirect(url_for("verify.page", public_id=public_id.upper()))
    return render_template("verify/lookup.html")


@bp.route("/verify/<public_id>")
@public
@limiter.shared_limit(verify_limit, scope="verify")
def page(public_id: str):
    result = certification.verification(certification.get_certificate(db(), public_id))
    status = 404 if result["status"] == "unknown" else 200
    return render_template("verify/page.html", result=result, public_id=public_id), status


@bp.route("/verify/<public_id>.json")
@public
@limiter.shared_limit(verify_limit, scope="verify")
def page_json(public_id: str):
    result = certification.verification(certification.get_certificate(db(), public_id))
    return jsonify(result), 404 if result["status"] == "unknown" else 200
