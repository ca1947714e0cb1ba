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
