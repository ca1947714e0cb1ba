"""QTI commands: export the bank, import it again, refuse hostile files."""

from __future__ import annotations

import yaml

from engine.config import ROOT


def test_export_then_import_gives_back_the_bank_items(runner, tmp_path):
    out = tmp_path / "bank.zip"
    result = runner.invoke(args=["qti", "export", str(out), "po-basis-001", "po-basis-002"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "imported.yaml"
    result = runner.invoke(args=["qti", "import", str(out), "--write", str(target)])
    assert result.exit_code == 0, result.output
    assert "Read 2 items; 0 problem(s)." in result.output
    imported = {i["id"]: i for i in yaml.safe_load(target.read_text())["items"]}
    originals = {}
    for item in yaml.safe_load((ROOT / "item_bank" / "items" /
                                "persoonlijk-onderhoud-basis.yaml").read_text())["items"]:
        originals[item["id"]] = item
    for uid in ("po-basis-001", "po-basis-002"):
        assert imported[uid]["stem"] == originals[uid]["stem"]
        assert imported[uid]["outcomes"] == originals[uid]["outcomes"]
        assert [o["text"] for o in imported[uid]["payload"]["options"]] == \
            [o["text"] for o in originals[uid]["payload"]["options"]]


def test_external_entities_are_refused(runner):
    result = runner.invoke(args=["qti", "import",
                                 str(ROOT / "tests" / "data" / "qti" / "external-entity.xml")])
    assert result.exit_code == 1
    assert "external entities and DTDs are not allowed" in result.output


def test_unknown_item_is_named(runner, tmp_path):
    result = runner.invoke(args=["qti", "export", str(tmp_path / "x.zip"), "no-such-item"])
    assert result.exit_code != 0 and "No such item: no-such-item" in result.output
