"""Helpers for tests that take the demo assessment."""

from __future__ import annotations

import re

import yaml

from engine.config import ROOT

DEMO_MODULE = "persoonlijk-onderhoud"
DEMO_ASSESSMENT = "po-basis-toets"


def bank_items() -> dict[str, dict]:
    items = {}
    for path in (ROOT / "item_bank" / "items").rglob("*.yaml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            items[item["id"]] = item
    return items


def demo_items() -> dict[str, dict]:
    """The items of the demo assessment."""
    module = yaml.safe_load((ROOT / "item_bank" / "modules" / f"{DEMO_MODULE}.yaml")
                            .read_text(encoding="utf-8"))
    uids = next(a["items"] for a in module["assessments"] if a["id"] == DEMO_ASSESSMENT)
    items = bank_items()
    return {uid: items[uid] for uid in uids}


def start_attempt(client, assessment: str = DEMO_ASSESSMENT) -> int:
    response = client.post(f"/assessments/{assessment}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/attempts/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _tokens(view: dict, payload: dict, correct: bool) -> list[str]:
    """The page's opaque ids of the right (or wrong) options, found through their texts."""
    by_text = {o["text"]: o["id"] for o in view["options"]}
    return [by_text[o["text"]] for o in payload["options"] if bool(o.get("correct")) == correct]


def correct_answer(view: dict, payload: dict) -> dict:
    return {"choices": _tokens(view, payload, True)}


def wrong_answer(view: dict, payload: dict) -> dict:
    return {"choices": _tokens(view, payload, False)[:1]}


def answer_all(client, attempt_id: int, *, correct: bool = True, limit: int | None = None):
    """Answer the attempt's items through the JSON API (as the page's autosave does)."""
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    items = bank_items()
    by_stem = {item["stem"]: item for item in items.values()}
    for entry in data["items"][:limit]:
        payload = by_stem[entry["stem"]]["payload"]
        view = entry["view"]
        answer = correct_answer(view, payload) if correct else wrong_answer(view, payload)
        response = client.put(f"/api/attempts/{attempt_id}/answers/{entry['position']}",
                              json=answer)
        assert response.status_code == 200, response.get_data(as_text=True)
    return data
