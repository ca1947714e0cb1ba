"""Accreditation officers' pages: the certificates issued."""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.models import utcnow
from engine.services import certification
from engine.web.common import db, role_required

bp = Blueprint("accreditation", __name__, url_prefix="/accreditation")


@bp.route("/certificates")
@role_required("officer")
def certificates():
    return render_template("accreditation/certificates.html",
                           certificates=certification.all_certificates(db()), now=utcnow())
