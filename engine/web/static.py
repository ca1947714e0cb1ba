"""Static files from the theme chain: the chosen theme, then the default theme."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

from engine.web.common import public

bp = Blueprint("static", __name__)


def asset_path(filename: str) -> str:
    """The file path of a theme static file (the chosen theme first, then the default)."""
    themes = Path(current_app.config["THEMES_PATH"])
    for theme in dict.fromkeys((current_app.config["THEME"], "default")):
        folder = themes / theme / "static"
        candidate = (folder / filename).resolve()
        if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
            return str(candidate)
    raise FileNotFoundError(filename)


@bp.route("/static/<path:filename>")
@public
def static(filename: str):
    try:
        path = Path(asset_path(filename))
    except (FileNotFoundError, ValueError, OSError):  # no such file, or a name no file has
        abort(404)
    return send_from_directory(path.parent, path.name, max_age=3600)
