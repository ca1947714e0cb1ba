"""Interface language: Flask-Babel with a choice kept in the session or the account."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"]


def init_babel(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def _languages():
        return {"language_names": {code: LANGUAGE_NAMES.get(code, code)
                                   for code in app.config["LANGUAGES"]},
                "get_locale": get_locale, "format_date": format_date,
                "format_datetime": format_datetime}
