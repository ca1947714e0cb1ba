"""Trainers' pages: the item bank."""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.services import bank_queries
from engine.web.common import db, role_required

bp = Blueprint("author", __name__, url_prefix="/author")


@bp.route("/items")
@role_required("trainer")
def items():
    return render_template("author/items.html", items=bank_queries.list_items(db()))
