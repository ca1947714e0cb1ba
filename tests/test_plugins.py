"""The plugin contract: built-ins through DEFAULT_PLUGINS, duplicates refused, hooks checked."""

from __future__ import annotations

import inspect

import pluggy
import pytest

from engine import hookspecs
from engine.config import ROOT
from engine.domain.questiontypes import QuestionType
from engine.hookspecs import hookimpl
from engine.plugins import DEFAULT_PLUGINS, PluginError, build_plugin_manager, build_registries

HOOKS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
         if hasattr(fn, "outcome_engine_spec")]


def test_built_in_plugins_are_registered_by_name(pm):
    for dotted in DEFAULT_PLUGINS:
        assert pm.get_plugin(dotted) is not None


def test_built_in_types_and_renderers(app):
    plugins = app.extensions["oe_plugins"]
    assert "choice" in plugins.question_types
    assert "pdf" in plugins.renderers
    assert plugins.question_types.owners["choice"] == "plugins.choice"


class _Choice2(QuestionType):
    name = "choice"


class _DuplicatePlugin:
    @hookimpl
    def register_question_types(self):
        return [_Choice2]


def test_two_plugins_with_one_type_name_refuse_to_start():
    pm = build_plugin_manager(autoload=False)
    pm.register(_DuplicatePlugin(), name="duplicate-plugin")
    with pytest.raises(PluginError, match="Two plugins register the question type 'choice'"):
        build_registries(pm)


class _Misspelt:
    @hookimpl
    def register_question_type(self):  # no such hook
        return []


def test_an_implementation_matching_no_hook_is_refused():
    pm = build_plugin_manager(autoload=False)
    pm.register(_Misspelt(), name="misspelt")
    with pytest.raises(PluginError, match="register_question_type"):
        build_registries(pm)


def test_a_built_in_can_be_disabled():
    pm = build_plugin_manager(autoload=False, disabled=["plugins.pdf_certificate"])
    registries = build_registries(pm)
    assert "pdf" not in registries.renderers
    assert "choice" in registries.question_types


def test_a_class_that_is_not_a_question_type_is_refused():
    class Bad:
        @hookimpl
        def register_question_types(self):
            return [dict]

    pm = build_plugin_manager(autoload=False)
    pm.register(Bad(), name="bad")
    with pytest.raises(PluginError, match="not a QuestionType subclass"):
        build_registries(pm)


def test_tracing_writes_hook_calls(capsys):
    pm = build_plugin_manager(autoload=False, trace=True)
    pm.hook.extra_template_dirs()
    assert "extra_template_dirs" in capsys.readouterr().err


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook):
    spec = getattr(hookspecs, hook)
    assert (spec.__doc__ or "").strip(), f"hookspec {hook} has no docstring"
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert f"`{hook}`" in guide, f"docs/plugins.md does not describe {hook}"


def test_hookimpl_marker_is_the_engines():
    assert isinstance(hookimpl, pluggy.HookimplMarker)
    assert hookimpl.project_name == "outcome_engine"
