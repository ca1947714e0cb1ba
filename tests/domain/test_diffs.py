"""Readable differences between versions of an item."""

from __future__ import annotations

from engine.domain.diffs import Change, changes, flatten, word_diff


def test_flatten_names_every_field_by_its_path():
    assert flatten({"title": "T", "outcomes": ["A", "B"], "eqf_level": 6,
                    "payload": {"points": 1.0, "options": [{"id": "a", "correct": True}]}}) == {
        "title": "T", "outcomes": "A, B", "eqf_level": "6", "payload.points": "1",
        "payload.options.0.id": "a", "payload.options.0.correct": "true"}


def test_changes_list_changed_added_and_removed_fields():
    before = {"title": "Oud", "payload": {"options": [{"text": "x"}, {"text": "y"}]}}
    after = {"title": "Nieuw", "payload": {"options": [{"text": "x"}]}, "tags": ["a"]}
    assert changes(before, after) == [
        Change("title", "Oud", "Nieuw"), Change("tags", None, "a"),
        Change("payload.options.1.text", "y", None)]
    assert changes(after, after) == []


def test_word_diff_marks_the_words_that_changed():
    assert word_diff("de tolk blijft alleen", "de tolk blijft nooit alleen") == [
        ("=", "de tolk blijft "), ("+", "nooit "), ("=", "alleen")]
    assert word_diff(None, "nieuw") == [("+", "nieuw")]
