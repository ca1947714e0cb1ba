"""The plugin manager of one app: built-in plugins, third-party plugins, and the registries
built from them.

Built-in plugins are listed in ``DEFAULT_PLUGINS`` and registered through the same path as
third-party ones, which come from the ``outcome_engine.plugins`` entry-point group.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from typing import Any

import pluggy

from engine import hookspecs
from engine.domain.certificates import CertificateRenderer
from engine.domain.exchange import ExchangeFormat
from engine.domain.questiontypes import QuestionType

ENTRY_POINT_GROUP = "outcome_engine.plugins"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "plugins.choice",
    "plugins.true_false",
    "plugins.short_text",
    "plugins.numeric",
    "plugins.ordering",
    "plugins.matching",
    "plugins.hotspot_text",
    "plugins.interview_scenario",
    "plugins.coi_exercise",
    "plugins.ethics_dilemma",
    "plugins.pdf_certificate",
    "plugins.openbadge_credential",
    "plugins.native_yaml",
    "plugins.qti",
    "plugins.moodle_xml",
    "plugins.gift",
)


class PluginError(RuntimeError):
    """A plugin cannot be loaded, or two plugins claim the same name."""


@dataclass
class Registry:
    """Classes registered by plugins, looked up by their stable name."""

    kind: str
    base: type
    entries: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def add(self, cls: type, owner: str) -> None:
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise PluginError(f"Plugin {owner!r} registered {cls!r}, which is not a "
                              f"{self.base.__name__} subclass.")
        name = getattr(cls, "name", "")
        if not name or name != name.lower() or not name.replace("_", "").isalnum():
            raise PluginError(f"Plugin {owner!r}: {self.kind} {cls.__name__} needs a lowercase "
                              f"snake_case `name`, got {name!r}.")
        if name in self.entries:
            raise PluginError(
                f"Two plugins register the {self.kind} {name!r}: {self.owners[name]!r} and "
                f"{owner!r}. Disable one of them (setting PLUGINS_DISABLED) or rename its type."
            )
        self.entries[name] = cls()
        self.owners[name] = owner

    def get(self, name: str) -> Any:
        try:
            return self.entries[name]
        except KeyError:
            raise KeyError(f"no {self.kind} named {name!r} is registered "
                           f"(known: {', '.join(sorted(self.entries)) or 'none'})") from None

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def __iter__(self):
        return iter(self.entries.values())


@dataclass
class Plugins:
    """What ``app.extensions["oe_plugins"]`` holds."""

    pm: pluggy.PluginManager
    question_types: Registry
    renderers: Registry
    template_dirs: list[str]
    exchange_formats: Registry


def build_plugin_manager(*, autoload: bool = True, disabled: list[str] | tuple = (),
                         trace: bool = False) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("outcome_engine")
    pm.add_hookspecs(hookspecs)
    for name in disabled:
        pm.set_blocked(name)
    for dotted in DEFAULT_PLUGINS:
        if dotted in disabled:
            continue
        try:
            module = importlib.import_module(dotted)
        except ImportError as exc:
            raise PluginError(f"Built-in plugin {dotted!r} cannot be imported: {exc}") from exc
        pm.register(module, name=dotted)
    if autoload:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # a broken third-party plugin must say which one it is
            raise PluginError(f"Loading plugins from the entry-point group "
                              f"{ENTRY_POINT_GROUP!r} failed: {exc}") from exc
    if trace:
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm


def build_registries(pm: pluggy.PluginManager) -> Plugins:
    """Collect the registered classes; refuse duplicates and hooks that match no spec."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc)) from exc
    question_types = Registry("question type", QuestionType)
    renderers = Registry("certificate renderer", CertificateRenderer)
    exchange_formats = Registry("exchange format", ExchangeFormat)
    for hook, registry in ((pm.hook.register_question_types, question_types),
                           (pm.hook.register_certificate_renderers, renderers),
                           (pm.hook.register_exchange_formats, exchange_formats)):
        # Call each implementation on its own so an error names the plugin it came from.
        for impl in reversed(hook.get_hookimpls()):
            owner = pm.get_name(impl.plugin) or repr(impl.plugin)
            for cls in impl.function() or []:
                registry.add(cls, owner)
    template_dirs = [d for dirs in pm.hook.extra_template_dirs() for d in (dirs or [])]
    return Plugins(pm=pm, question_types=question_types, renderers=renderers,
                   template_dirs=template_dirs, exchange_formats=exchange_formats)
