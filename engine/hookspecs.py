"""Every hook a plugin can implement. Each hook takes keyword arguments only; new arguments
may be added, none removed, and an implementation may accept fewer than the spec names.

Plugin authors: see docs/plugins.md for a worked example of each hook.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("outcome_engine")
hookimpl = pluggy.HookimplMarker("outcome_engine")


@hookspec
def register_question_types() -> list[type]:
    """Return a list of QuestionType subclasses this plugin provides."""


@hookspec
def register_certificate_renderers() -> list[type]:
    """Return a list of CertificateRenderer subclasses this plugin provides."""


@hookspec
def register_exchange_formats() -> list[type]:
    """Return a list of ExchangeFormat subclasses (item import and export) this plugin
    provides."""


@hookspec
def extra_template_dirs() -> list[str]:
    """Return directories of Jinja templates for this plugin's types (themes override them)."""
