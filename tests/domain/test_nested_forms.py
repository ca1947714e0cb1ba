"""Nested data from flat form fields named by path and kind."""

from __future__ import annotations

import pytest

from engine.web.nested_forms import FormDataError, nested


def test_paths_kinds_and_rows():
    data = nested([
        ("title", ["Titel"]), ("eqf_level:int", ["6"]), ("payload.points:float", ["1,5"]),
        ("payload.options.0.text", ["ja"]), ("payload.options.0.correct:bool", ["false", "true"]),
        ("payload.options.7.text", ["nee"]), ("payload.options.7.correct:bool", ["false"]),
        ("payload.options.9.text", [""]), ("payload.options.9.correct:bool", ["false"]),
        ("outcomes:list", ["ESQF-E-1a", "", "ESQF-E-2b"]), ("tags:csv", ["a, b,"]),
        ("payload.next:opt", [""]), ("source.document:opt", [""]), ("source.lines.0:int", [""]),
        ("csrf_token", ["x"]), ("action", ["save"]), ("revision", ["3"]),
    ])
    assert data == {"title": "Titel", "eqf_level": 6, "outcomes": ["ESQF-E-1a", "ESQF-E-2b"],
                    "tags": ["a", "b"], "payload": {"points": 1.5, "options": [
                        {"text": "ja", "correct": True}, {"text": "nee", "correct": False}]}}


def test_a_number_that_is_not_one_is_passed_on_for_the_schema_to_name():
    assert nested([("payload.points:float", ["veel"])]) == {"payload": {"points": "veel"}}


def test_yaml_that_does_not_parse_names_the_field():
    assert nested([("payload:yaml", ["options:\n  - id: a\n"])]) == {
        "payload": {"options": [{"id": "a"}]}}
    with pytest.raises(FormDataError) as excinfo:
        nested([("payload:yaml", ["a: [1, 2"])])
    assert list(excinfo.value.errors) == ["payload"]
