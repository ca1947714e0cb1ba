"""Blueprint assembly: reproducible forms, even exposure, exact shortfalls."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.domain.blueprints import Candidate, Row, assemble, shortfalls


def bank():
    items = []
    for n in range(12):
        items.append(Candidate(f"int-{n}", ("ESQF-E-18e",), 6, "choice", ("Gesprekken",)))
    for n in range(6):
        items.append(Candidate(f"tolk-{n}", ("ESQF-E-4b",), 5, "choice",
                               ("Algemene communicatie",)))
    for n in range(3):
        items.append(Candidate(f"sc-{n}", ("ESQF-E-18e", "ESQF-E-18f"), 6, "interview_scenario",
                               ("Gesprekken",)))
    return items


ROWS = [Row(count=4, outcomes=("ESQF-E-18e",), eqf_level=6, types=("choice",)),
        Row(count=2, area="Algemene communicatie"),
        Row(count=1, outcomes=("ESQF-E-18f",), types=("interview_scenario",))]


def test_same_seed_same_form_and_other_seeds_differ():
    first = assemble(ROWS, bank(), seed=42)
    assert first.uids == assemble(ROWS, bank(), seed=42).uids
    assert len(first.uids) == 7 and len(set(first.uids)) == 7
    assert first.rows == [0, 0, 0, 0, 1, 1, 2]
    forms = {tuple(assemble(ROWS, bank(), seed=s).uids) for s in range(20)}
    assert len(forms) > 10


def test_every_drawn_item_fits_its_row():
    items = {i.uid: i for i in bank()}
    result = assemble(ROWS, bank(), seed=7)
    assert all(items[u].type == "choice" and items[u].eqf_level == 6
               for u, r in zip(result.uids, result.rows, strict=True) if r == 0)
    assert all(u.startswith("tolk") for u, r in zip(result.uids, result.rows, strict=True)
               if r == 1)


def test_exposure_spreads_evenly_over_200_assemblies():
    """Each item is drawn at most one above its fair share (BOUND = 1)."""
    exposure: Counter[str] = Counter()
    for seed in range(200):
        exposure.update(assemble(ROWS, bank(), seed=seed, exposure=exposure).uids)
    fair_interview = 200 * 4 / 12
    fair_tolk = 200 * 2 / 6
    fair_sc = 200 * 1 / 3
    for uid, drawn in exposure.items():
        fair = fair_interview if uid.startswith("int") else \
            fair_tolk if uid.startswith("tolk") else fair_sc
        assert drawn <= fair + 1, (uid, drawn, fair)


def test_shortfalls_are_exact_with_overlapping_rows():
    items = [Candidate("a", ("X",), 6, "choice"), Candidate("b", ("X", "Y"), 6, "choice")]
    # Row 2 needs the only Y item; row 1 must then do with "a": feasible.
    assert shortfalls([Row(1, ("X",)), Row(1, ("Y",))], items) == []
    short = shortfalls([Row(2, ("X",)), Row(1, ("Y",))], items)
    assert [(s.row, s.needed, s.available, s.missing) for s in short] in (
        [(0, 2, 1, 1)], [(1, 1, 0, 1)])
    with pytest.raises(ValueError, match="cannot fill the blueprint"):
        assemble([Row(2, ("X",)), Row(1, ("Y",))], items, seed=1)
    assert shortfalls([Row(3, ("Z",))], items)[0].available == 0
