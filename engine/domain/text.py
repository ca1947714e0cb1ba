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


#: marshmallow's own messages, which trainers meet next to the editor's fields: listed here
#: for the catalogs, so the editor shows them in the trainer's language (messages with
#: values in them, and the question types' own, stay in English)
SCHEMA_MESSAGES = (
    N_("Missing data for required field."), N_("Not a valid number."),
    N_("Not a valid integer."), N_("Not a valid string."), N_("Not a valid boolean."),
    N_("Unknown field."), N_("Field may not be null."), N_("Shorter than minimum length 1."),
    N_("Not a valid list."), N_("Not a valid mapping type."),
)


class Message:
    """A message with values, translated where it is shown: ``gettext(m.text, **m.params)``;
    ``str(m)`` is the English text, for logs and the command line."""

    def __init__(self, text: str, **params: object):
        self.text, self.params = text, params

    def __str__(self) -> str:
        return self.text % self.params if self.params else self.text

    def __repr__(self) -> str:
        return f"Message({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.text, self.params) == (other.text,
                                                                           other.params)

    def __hash__(self) -> int:
        return hash(str(self))
