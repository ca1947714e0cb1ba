"""Command-line tools: the framework export and the idempotent setup."""

from __future__ import annotations

import json

from engine.config import ROOT

FIELDS = {"code", "matrix", "group", "area", "row", "cell", "eqf_level", "dimension", "text"}


def test_framework_export_holds_every_cell_with_its_exact_text(runner):
    result = runner.invoke(args=["frameworks", "export", "ESQF"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert all(set(r) == FIELDS for r in records)
    source = json.loads((ROOT / "item_bank" / "frameworks" / "esqf.json").read_text())
    expected = {c["code"]: c["text"] for c in source["cells"]}
    assert {r["code"]: r["text"] for r in records} == expected
    non_empty = [r for r in records if r["text"]]
    assert {r["matrix"] for r in non_empty} == {"educational", "professional"}
    anchor = next(r for r in records if r["code"] == "ESQF-E-18e")
    assert anchor["text"] == (
        "Een standaard asielgesprek plannen, voorbereiden, voeren en documenteren")
    assert (anchor["eqf_level"], anchor["dimension"], anchor["row"]) == ("6", "skill", 18)


def test_export_of_an_unknown_framework_says_so(runner):
    result = runner.invoke(args=["frameworks", "export", "NOPE"])
    assert result.exit_code != 0
    assert "No framework 'NOPE'" in result.output


def test_setup_twice_changes_nothing(runner):
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["setup", "--demo"])
    assert again.exit_code == 0
    assert " 0 new, 0 updated" in again.output
    assert "new, 0 updated" in again.output and "learner@example.org" in again.output
    for line in again.output.splitlines():
        if "new," in line:
            assert line.split(":")[1].strip().startswith("0 new, 0 updated"), line


def test_users_create(runner):
    result = runner.invoke(args=["users", "create", "--email", "New@Example.org", "--name",
                                 "Nieuwe Gebruiker", "--role", "trainer",
                                 "--password", "long enough to be safe"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["users", "create", "--email", "new@example.org", "--name", "X",
                                "--password", "long enough to be safe"])
    assert again.exit_code != 0 and "exists already" in again.output
