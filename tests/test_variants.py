"""Language variants: the same item in English, with the same key, checked on load and
delivered to a learner who works in English."""

from __future__ import annotations

import copy

import pytest
import yaml

from engine.config import ROOT
from engine.domain.variants import shape_errors
from engine.plugins import build_plugin_manager, build_registries
from engine.services.bank_files import ItemBankError, read_bank
from tests.conftest import Auth, make_app, prepare_database
from tests.helpers import put_answer, start_attempt

QT = build_registries(build_plugin_manager(autoload=False)).question_types


def _original():
    items = yaml.safe_load((ROOT / "item_bank" / "items" / "standaard-algemeen.yaml")
                           .read_text(encoding="utf-8"))["items"]
    return items[0]


def _variant(item):
    payload = copy.deepcopy(item["payload"])
    for n, option in enumerate(payload["options"]):
        option["text"] = f"English option {n}"
        option["feedback"] = f"English feedback {n}"
    return {"id": item["id"], "title": "Introductions at the opening",
            "stem": "How do you open the interview?", "payload": payload}


def _write(bank, variants):
    folder = bank / "translations" / "en"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test.yaml").write_text(yaml.safe_dump({"items": variants}, allow_unicode=True),
                                      encoding="utf-8")


def test_shape_errors_catch_a_changed_key():
    item = _original()
    good = _variant(item)["payload"]
    assert shape_errors(item["payload"], good) == []
    bad = copy.deepcopy(good)
    bad["options"][0]["correct"] = not bad["options"][0]["correct"]
    assert any("options.0.correct" in e for e in shape_errors(item["payload"], bad))
    bad = copy.deepcopy(good)
    bad["options"][1]["id"] = "zz"
    assert any("options.1.id" in e for e in shape_errors(item["payload"], bad))
    bad = copy.deepcopy(good)
    bad["options"].pop()
    assert any("as many entries" in e for e in shape_errors(item["payload"], bad))


def test_a_variant_with_another_key_is_refused_naming_file_item_and_field(bank_copy):
    variant = _variant(_original())
    variant["payload"]["options"][1]["correct"] = not variant["payload"]["options"][1]["correct"]
    _write(bank_copy, [variant])
    with pytest.raises(ItemBankError) as excinfo:
        read_bank(bank_copy, QT)
    problem = next(p for p in excinfo.value.problems if p.item == variant["id"])
    assert problem.file.endswith("translations/en/test.yaml")
    assert problem.field.startswith("translations.en")


def test_an_english_learner_gets_the_english_variant_with_the_same_key(bank_copy, tmp_path):
    item = _original()
    _write(bank_copy, [_variant(item)])
    # An assessment of its own that shows the review after submission (the demo
    # certification test shows no keys until the last attempt).
    (bank_copy / "modules" / "zz-variant.yaml").write_text(yaml.safe_dump({
        "id": "variant-test", "title": "Variant", "language": "nl", "assessments": [
            {"id": "variant-toets", "title": "Variant", "pass_mark": 50,
             "items": [item["id"]]}]}), encoding="utf-8")
    url = "sqlite:///" + str(tmp_path / "variants.sqlite3")
    prepare_database(url, ITEM_BANK_PATH=str(bank_copy))
    app = make_app(url, ITEM_BANK_PATH=str(bank_copy))
    client = app.test_client()
    Auth(app, client).login()
    attempt_id = start_attempt(client, "variant-toets")  # the test client asks for English
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    entry = next(e for e in data["items"] if e["title"] == "Introductions at the opening")
    assert entry["stem"] == "How do you open the interview?"
    texts = {o["text"] for o in entry["view"]["options"]}
    assert texts == {f"English option {n}" for n in range(len(item["payload"]["options"]))}
    right = [n for n, o in enumerate(item["payload"]["options"]) if o["correct"]]
    chosen = [o["id"] for o in entry["view"]["options"]
              if o["text"] in {f"English option {n}" for n in right}]
    put_answer(client, attempt_id, entry['position'], {"choices": chosen})
    client.post(f"/attempts/{attempt_id}/submit")
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "English feedback" in result and "Introductions at the opening" in result
    app.extensions["oe_db"].engine.dispose()
