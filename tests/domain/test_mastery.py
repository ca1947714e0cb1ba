"""Mastery from evidence: recency weighting, minimum evidence, levels, area pooling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.domain.mastery import Evidence, by_area_and_band, by_outcome, mastery

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def ev(earned, days_ago=0, outcome="ESQF-E-18e", possible=1.0):
    return Evidence(outcome, earned, possible, NOW - timedelta(days=days_ago))


def test_too_little_evidence_gives_no_figure():
    result = mastery([ev(1), ev(1)], NOW)
    assert result.value is None and result.level == "insufficient" and result.count == 2


@pytest.mark.parametrize(("evidence", "value", "level"), [
    ([ev(1), ev(1), ev(1)], 1.0, "mastered"),
    ([ev(1), ev(0), ev(1)], 2 / 3, "developing"),
    ([ev(0), ev(0), ev(1)], 1 / 3, "not_yet"),
    # A failure half a year ago counts half as much as today's successes.
    ([ev(0, days_ago=180), ev(1), ev(1)], 2 / 2.5, "mastered"),
    ([ev(0.5, possible=2), ev(2, possible=2), ev(1)], 3.5 / 5, "developing"),
])
def test_recency_weighted_proportion(evidence, value, level):
    result = mastery(evidence, NOW)
    assert result.value == pytest.approx(value)
    assert result.level == level


def test_pooling_by_outcome_and_area():
    evidence = [ev(1), ev(1), ev(1), ev(0, outcome="ESQF-E-18f"), ev(0, outcome="ESQF-E-4b")]
    outcomes = by_outcome(evidence, NOW)
    assert outcomes["ESQF-E-18e"].level == "mastered"
    assert outcomes["ESQF-E-18f"].level == "insufficient"
    cells = {"ESQF-E-18e": ("Gesprekken", "6"), "ESQF-E-18f": ("Gesprekken", "6"),
             "ESQF-E-4b": ("Algemene communicatie", "4-5")}
    areas = by_area_and_band(evidence, cells, NOW)
    assert areas[("Gesprekken", "6")].value == pytest.approx(3 / 4)
    assert areas[("Algemene communicatie", "4-5")].level == "insufficient"
