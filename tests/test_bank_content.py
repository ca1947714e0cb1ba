"""The bundled bank as content: citations that exist, coverage the command reports."""

from __future__ import annotations

import json

import pytest

from engine.config import ROOT
from tests.helpers import bank_items

SOURCES = ROOT / "item_bank" / "sources"
DOMAIN_TYPES = {"interview_scenario", "coi_exercise", "ethics_dilemma"}


def _citations(item):
    if item.get("source"):
        yield "source", item["source"]
    for step in item["payload"].get("steps", []):
        for choice in step["choices"]:
            if choice.get("source"):
                yield f"steps.{step['id']}.{choice['id']}", choice["source"]


ITEMS = bank_items()


@pytest.mark.parametrize("uid", sorted(ITEMS))
def test_every_cited_line_range_exists_in_its_seed(uid):
    item = ITEMS[uid]
    if item["type"] in DOMAIN_TYPES:
        assert item.get("source"), f"{uid}: a domain item cites its seed and lines"
    for where, source in _citations(item):
        path = SOURCES / source["document"]
        assert path.is_file(), f"{uid} {where}: no seed {source['document']}"
        if "lines" in source:
            first, last = source["lines"]
            lines = path.read_text(encoding="utf-8").splitlines()
            assert 1 <= first <= last <= len(lines), f"{uid} {where}: {first}-{last}"
            assert any(line.strip() for line in lines[first - 1:last]), \
                f"{uid} {where}: lines {first}-{last} are blank"


def test_coverage_command_matches_the_bank(runner):
    result = runner.invoke(args=["item-bank", "coverage"])
    assert result.exit_code == 0, result.output
    cells = {c["code"]: c for c in json.loads(
        (ROOT / "item_bank" / "frameworks" / "esqf.json").read_text())["cells"]
        if c["matrix"] == "educational" and c["text"]}
    tagged = {code for item in ITEMS.values() for code in item["outcomes"]}
    covered = len(tagged & set(cells))
    assert f"Covered: {covered} of {len(cells)} non-empty educational cells" in result.output


@pytest.fixture(scope="module")
def bank():
    from engine.plugins import build_plugin_manager, build_registries
    from engine.services.bank_files import read_bank

    question_types = build_registries(build_plugin_manager(autoload=False)).question_types
    return read_bank(ROOT / "item_bank", question_types), question_types


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_key_is_rarely_the_longest_option_and_keys_are_spread(bank, language):
    """A learner who always picks the longest option gets little from the bundled bank."""
    from engine.domain.cues import item_flags
    from engine.services.integrity import cue_item, position_report

    read, question_types = bank
    single = [found for item in read.items if item["type"] in question_types
              for found in [cue_item(item, question_types.get(item["type"]), language)]
              if found and not found.multiple and len(found.keys) == 1]
    assert len(single) >= 200
    longest = sum(1 for found in single if any(f.code == "longest_key"
                                               for f in item_flags(found)))
    assert longest <= 0.35 * len(single), f"{longest} of {len(single)}"
    assert not position_report(read.items, question_types).skewed


def test_the_certification_test_cue_score_is_near_chance(bank):
    from engine.services import blueprints, integrity
    from engine.services.bank_files import load_outcome_index

    read, question_types = bank
    spec = next(a for m in read.modules for a in m["assessments"]
                if a["id"] == "po-basis-toets")
    report = integrity.evaluate(spec, {i["id"]: i for i in read.items},
                                blueprints.candidates(read.items, load_outcome_index(read.root)),
                                question_types)
    assert report.certifiable, [str(p) for p in report.problems]
    assert set(report.cue) == {"nl", "en"}
    for language, score in report.cue.items():
        assert score.forms >= 50
        assert score.score - score.chance <= 10, (language, score)
