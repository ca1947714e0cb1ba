"""Reading outcome frameworks: browsing and export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Framework, Outcome

EXPORT_FIELDS = ("code", "matrix", "group", "area", "row", "cell", "eqf_level", "dimension",
                 "text")


def get_framework(session: Session, code: str) -> Framework:
    framework = session.scalar(select(Framework).where(Framework.code == code))
    if framework is None:
        known = ", ".join(session.scalars(select(Framework.code))) or "none loaded"
        raise LookupError(f"No framework {code!r} (known: {known}).")
    return framework


def export_cells(session: Session, code: str) -> list[dict]:
    """One record per cell, in the framework's order, with the fields of the export format."""
    framework = get_framework(session, code)
    return [{key: getattr(o, key) for key in EXPORT_FIELDS} for o in framework.outcomes]


def browse(session: Session, code: str, *, matrix: str = "educational",
           band: str | None = None) -> dict:
    """Groups, areas and rows of one matrix, each row with its cells (optionally one band)."""
    framework = get_framework(session, code)
    query = select(Outcome).where(Outcome.framework_id == framework.id,
                                  Outcome.matrix == matrix).order_by(Outcome.position)
    if band:
        query = query.where(Outcome.eqf_level == band)
    rows: dict[int, list[Outcome]] = {}
    for outcome in session.scalars(query):
        rows.setdefault(outcome.row, []).append(outcome)
    groups = []
    for group in framework.structure["groups"]:
        areas = [{"name": area["name"],
                  "rows": [{"number": n, "cells": rows.get(n, [])} for n in area["rows"]]}
                 for area in group["areas"]]
        groups.append({"name": group["name"], "areas": areas})
    return {"framework": framework, "groups": groups}


def outcome_texts(session: Session, codes: list[str]) -> dict[str, Outcome]:
    return {o.code: o for o in session.scalars(select(Outcome).where(Outcome.code.in_(codes)))}


def areas(session: Session) -> list[str]:
    """Every competence area of the educational outcomes, sorted."""
    return sorted(set(session.scalars(select(Outcome.area).where(
        Outcome.matrix == "educational"))))


def educational_outcomes(session: Session) -> list[dict]:
    """Non-empty educational outcomes by competence area, in the framework's order: what the
    item editor offers to tag an item with."""
    areas: dict[str, dict] = {}
    for o in session.scalars(select(Outcome).where(Outcome.matrix == "educational",
                                                   Outcome.text != "")
                             .order_by(Outcome.framework_id, Outcome.position)):
        area = areas.setdefault(o.area, {"area": o.area, "group": o.group, "outcomes": []})
        area["outcomes"].append(o)
    return list(areas.values())
