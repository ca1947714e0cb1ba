"""Messages that services and plugins give users, translated where they are shown.

A service raises ``UserError(N_("Assessments list this item: %(names)s."), names=...)``: the
message id is English and marked with ``N_`` for the catalogs (``make translations-update``
extracts it); the web layer shows ``gettext(error.message, **error.params)`` in the user's
language. ``str(error)`` stays English, for logs and the command line.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the conventional name of the marker)
    """Mark a message for the catalogs without translating it here."""
    return message


class UserError(Exception):
    """An action refused with a message for the user; ``params`` fill its placeholders."""

    def __init__(self, message: str, **params: object):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)
