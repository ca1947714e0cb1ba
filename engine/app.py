"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader

from engine import config as settings
from engine.db import get_db, init_db
from engine.i18n import init_babel
from engine.plugins import build_plugin_manager, build_registries


def _theme_loader(app: Flask, template_dirs: list[str]) -> ChoiceLoader:
    """Templates come from the chosen theme, then the default theme, then plugins."""
    themes = Path(app.config["THEMES_PATH"])
    theme = app.config["THEME"]
    if not (themes / theme / "templates").is_dir():
        raise RuntimeError(f"Theme {theme!r} has no templates folder in {themes}.")
    chain = [themes / theme / "templates"]
    if theme != "default":
        chain.append(themes / "default" / "templates")
    chain.extend(Path(d) for d in template_dirs)
    return ChoiceLoader([FileSystemLoader(str(p)) for p in chain])


def _number_field(value: Any) -> str:
    """A number as a form field shows it: 4.0 as "4", 2.5 as "2.5"; text as it is."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app. ``config`` overrides the defaults and the environment (tests pass one)."""
    instance_path = os.environ.get("OE_INSTANCE_PATH") or str(settings.ROOT / "instance")
    app = Flask("engine", instance_path=instance_path, static_folder=None)
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(app.instance_path)
    # The command line (setup, imports, key rotation) needs no public address; serving does.
    if click.get_current_context(silent=True) is not None and not app.config.get("BASE_URL"):
        app.config["DEVELOPMENT"] = True
    settings.apply_derived(app.config)

    from engine.domain.tokens import derive_secret

    app.extensions["oe_token_secret"] = derive_secret(app.config["SECRET_KEY"])
    plugins = build_registries(build_plugin_manager(
        autoload=app.config["PLUGINS_AUTOLOAD"], disabled=app.config["PLUGINS_DISABLED"],
        trace=app.config["TRACE_HOOKS"]))
    app.extensions["oe_plugins"] = plugins
    app.jinja_loader = _theme_loader(app, plugins.template_dirs)

    db = init_db(app, settings.database_url(app.config, app.instance_path))
    # The command line (flask --app wsgi db upgrade) must load an unmigrated database;
    # every other way of starting the app refuses to.
    if app.config["CHECK_MIGRATIONS"] and click.get_current_context(silent=True) is None:
        db.check_migrated()

    CSRFProtect(app)
    from engine.web.security import init_security

    init_security(app)
    init_babel(app)
    from engine.services.markdown import render_markdown

    app.jinja_env.globals["render_markdown"] = render_markdown
    app.jinja_env.filters["number_field"] = _number_field
    from engine.domain.diffs import word_diff

    app.jinja_env.filters["word_diff"] = word_diff
    from flask_babel import gettext

    # A message made elsewhere (a validation error), shown translated where the catalogs
    # have it: gettext without values never formats, so a '%' in it is safe.
    app.jinja_env.filters["tr"] = lambda message: gettext(str(message))

    from werkzeug.routing import IntegerConverter

    class BoundedInt(IntegerConverter):
        """Ids in URLs are database integers: a 30-digit id is simply not found (404)."""

        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = BoundedInt
    from engine.web import register_blueprints

    register_blueprints(app)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return render_template("errors/400.html", reason=error.description), 400

    from engine.cli import register_commands

    register_commands(app)
    return app


__all__ = ["create_app", "get_db"]
