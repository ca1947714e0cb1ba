"""The item bank on disk: it validates, bad files are reported precisely, loading is
idempotent and a changed item becomes a new version."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from engine.config import ROOT
from engine.models import Item, ItemVersion
from engine.plugins import build_plugin_manager, build_registries
from engine.services.bank_files import ItemBankError, read_bank
from engine.services.bank_loading import load_bank
from tests.conftest import prepare_database

QT = build_registries(build_plugin_manager(autoload=False)).question_types
ITEMS_FILE = "items/persoonlijk-onderhoud-basis.yaml"


def test_the_shipped_bank_validates():
    bank = read_bank(ROOT / "item_bank", QT)
    assert len(bank.items) >= 10
    assert any(m["assessments"] for m in bank.modules)


def test_every_item_is_tagged_to_a_real_educational_outcome_at_its_band():
    cells = {c["code"]: c for c in json.loads(
        (ROOT / "item_bank" / "frameworks" / "esqf.json").read_text())["cells"]}
    bands = {"4-5": {4, 5}, "6": {6}, "7": {7}}
    for item in read_bank(ROOT / "item_bank", QT).items:
        for code in item["outcomes"]:
            assert cells[code]["matrix"] == "educational" and cells[code]["text"]
            assert item["eqf_level"] in bands[cells[code]["eqf_level"]], item["id"]


def _edit_first_item(bank_copy, change):
    path = bank_copy / ITEMS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["items"][0])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data["items"][0]["id"]


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda i: i.pop("stem"), "stem", "Missing data"),
    (lambda i: i.update(eqf_level=7), "eqf_level", "does not fit"),
    (lambda i: i.update(outcomes=["ESQF-E-99z"]), "outcomes", "Unknown outcome code"),
    (lambda i: i.update(outcomes=["ESQF-P-18e"]), "outcomes", "professional task"),
    (lambda i: i.update(type="essay"), "type", "Unknown question type"),
    (lambda i: i["payload"]["options"][0].update(text=""), "payload.options.0.text",
     "Shorter than minimum"),
    (lambda i: i.update(source={"document": "002_330932c70e0adbd3.txt", "lines": [1, 99999]}),
     "source.lines", "has 459 lines"),
])
def test_a_malformed_item_names_file_item_and_field(bank_copy, change, field, message):
    uid = _edit_first_item(bank_copy, change)
    with pytest.raises(ItemBankError) as excinfo:
        read_bank(bank_copy, QT)
    problems = [p for p in excinfo.value.problems if p.item == uid]
    assert problems, str(excinfo.value)
    problem = problems[0]
    assert problem.file.endswith(ITEMS_FILE)
    assert problem.field == field
    assert message in problem.message
    assert problem.line and problem.line > 1
    assert f"item '{uid}'" in str(problem) and f"field '{field}'" in str(problem)


def test_invalid_yaml_names_the_file_and_line(bank_copy):
    (bank_copy / "items" / "broken.yaml").write_text("items:\n  - id: x\n    stem: [unclosed\n")
    with pytest.raises(ItemBankError) as excinfo:
        read_bank(bank_copy, QT)
    assert "items/broken.yaml:" in str(excinfo.value)
    assert "Not valid YAML" in str(excinfo.value)


def test_module_naming_a_missing_item_is_reported(bank_copy):
    path = bank_copy / "modules" / "persoonlijk-onderhoud.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["assessments"][0]["items"].append("no-such-item")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ItemBankError, match="No item 'no-such-item'"):
        read_bank(bank_copy, QT)


def test_validate_command_lists_problems(runner, bank_copy):
    _edit_first_item(bank_copy, lambda i: i.update(eqf_level=4))
    runner.app.config["ITEM_BANK_PATH"] = str(bank_copy)
    result = runner.invoke(args=["item-bank", "validate"])
    assert result.exit_code != 0
    assert "does not fit" in result.output and ITEMS_FILE in result.output


def test_loading_twice_changes_nothing_and_edits_make_versions(bank_copy, tmp_path):
    url = "sqlite:///" + str(tmp_path / "bank.sqlite3")
    prepare_database(url, ITEM_BANK_PATH=str(bank_copy))
    engine = create_engine(url)
    with Session(engine) as session:
        items = session.scalar(select(func.count()).select_from(Item))
        versions = session.scalar(select(func.count()).select_from(ItemVersion))
        report = load_bank(session, read_bank(bank_copy, QT))
        assert sum(report.created.values()) == sum(report.updated.values()) == 0
        assert session.scalar(select(func.count()).select_from(ItemVersion)) == versions

        uid = _edit_first_item(bank_copy, lambda i: i.update(title="Nieuwe titel"))
        report = load_bank(session, read_bank(bank_copy, QT))
        assert report.updated == {"items": 1}
        item = session.scalar(select(Item).where(Item.uid == uid))
        assert [v.number for v in item.versions] == [1, 2]
        assert item.current_version.title == "Nieuwe titel"
        assert session.scalar(select(func.count()).select_from(Item)) == items
    engine.dispose()


def _module_file(bank_copy):
    return next((bank_copy / "modules").glob("persoonlijk-onderhoud.yaml"))


@pytest.mark.parametrize(("setup", "message"), [
    (lambda b: (b / "modules" / "copy.yaml").write_text(_module_file(b).read_text()),
     "Duplicate module id"),
    (lambda b: (b / "frameworks" / "bad.json").write_text('{"code": "X", "title": "x"}'),
     "bad.json: field 'cells': Missing data"),
    (lambda b: (b / "frameworks" / "list.json").write_text("[1, 2]"), "Invalid input type"),
    (lambda b: (b / "items" / "empty.yaml").write_text(""), "The file is empty"),
])
def test_bank_wide_problems_are_reported_not_raised(bank_copy, setup, message):
    setup(bank_copy)
    with pytest.raises(ItemBankError) as excinfo:
        read_bank(bank_copy, QT)
    assert message in str(excinfo.value)
    assert len(excinfo.value.problems) <= 2  # no cascade of follow-on problems


def test_an_item_twice_in_an_assessment_is_refused(bank_copy):
    path = _module_file(bank_copy)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["assessments"][0]["items"].append(data["assessments"][0]["items"][0])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ItemBankError, match="An item appears twice"):
        read_bank(bank_copy, QT)


def test_a_source_outside_the_sources_folder_is_refused(bank_copy):
    _edit_first_item(bank_copy, lambda i: i.update(
        source={"document": "../../../../etc/passwd", "lines": [1, 2]}))
    with pytest.raises(ItemBankError, match="No source document"):
        read_bank(bank_copy, QT)


def test_a_blueprint_the_bank_cannot_fill_is_refused_with_the_row_named(bank_copy):
    path = _module_file(bank_copy)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["assessments"].append({
        "id": "te-groot", "title": "Te groot", "pass_mark": 50,
        "blueprint": [{"outcomes": ["ESQF-E-18e"], "count": 2},
                      {"area": "Financieel beheer", "count": 150}]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ItemBankError) as excinfo:
        read_bank(bank_copy, QT)
    problems = [p for p in excinfo.value.problems if p.item == "te-groot"]
    assert len(problems) == 1
    assert problems[0].field == "assessments.2.blueprint.1"
    assert "of the 150 items" in problems[0].message
    assert "area 'Financieel beheer'" in problems[0].message
