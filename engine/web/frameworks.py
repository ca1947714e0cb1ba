"""Browsing an outcome framework: groups, areas, rows and cells, by EQF band."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from engine.services import frameworks
from engine.web.common import db, public

bp = Blueprint("frameworks", __name__)

BANDS = ("4-5", "6", "7")


@bp.route("/frameworks/<code>")
@public
def browse(code: str):
    matrix = request.args.get("matrix", "educational")
    band = request.args.get("band") or None
    if matrix not in ("educational", "professional") or (band and band not in BANDS):
        abort(400)
    try:
        data = frameworks.browse(db(), code, matrix=matrix, band=band)
    except LookupError:
        abort(404)
    return render_template("frameworks/browse.html", matrix=matrix, band=band, bands=BANDS,
                           **data)
