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
            item.setdefault("translations", {})
            items[item["id"]] = item
    for path in (ROOT / "item_bank" / "translations").glob("*/*.yaml"):
        for variant in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            items[variant["id"]]["translations"][path.parent.name] = variant
    return items


def by_stem(items: dict[str, dict] | None = None, key=lambda stem: stem) -> dict[str, dict]:
    """Items by ``key(stem)`` in every language (a page may show a variant), each entry the
    item with that language's payload."""
    found = {}
    for item in (items or bank_items()).values():
        found[key(item["stem"])] = item
        for variant in item.get("translations", {}).values():
            found[key(variant["stem"])] = {
                **item, "stem": variant["stem"], "title": variant.get("title", item["title"]),
                "feedback": variant.get("feedback", item.get("feedback", "")),
                "payload": variant.get("payload", item["payload"])}
    return found


def page_stem(stem: str) -> str:
    """A stem as the browser shows it, for matching: Markdown marks dropped, spaces folded."""
    return re.sub(r"\s+", " ", stem.replace("*", "")).strip()[:60]


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
    stems = by_stem()
    for entry in data["items"][:limit]:
        payload = stems[entry["stem"]]["payload"]
        view = entry["view"]
        answer = correct_answer(view, payload) if correct else wrong_answer(view, payload)
        response = client.put(f"/api/attempts/{attempt_id}/answers/{entry['position']}",
                              json=answer, headers={"If-Match": str(entry["sequence"])})
        assert response.status_code == 200, response.get_data(as_text=True)
    return data


def log_in_page(page, base: str, user: dict) -> None:
    """Log a Playwright page in through the login form."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


CERTIFICATION_TEST = "Toets: het persoonlijk onderhoud (basis)"


def start_button(page, title: str = CERTIFICATION_TEST):
    """The start button of one assessment on a module page (a module may offer several)."""
    return page.locator("div.card", has=page.get_by_role("heading", name=title)) \
        .get_by_role("button", name=re.compile("(Start|Resume) the assessment"))


def put_answer(client, attempt_id: int, position: int, answer: dict, *,
               seq: int | None = None):
    """Save one answer through the JSON API as a client must: with the save count it
    replaces (If-Match), read from the attempt when not given."""
    if seq is None:
        items = client.get(f"/api/attempts/{attempt_id}").get_json()["items"]
        seq = next((i["sequence"] for i in items if i["position"] == position), 0)
    return client.put(f"/api/attempts/{attempt_id}/answers/{position}", json=answer,
                      headers={"If-Match": str(seq)})
