"""Nothing a learner receives for an unanswered item, in HTML or JSON, carries the key."""

from __future__ import annotations

import json
import re

from sqlalchemy import update

from tests.helpers import by_stem, start_attempt


def _secrets(item: dict) -> list[str]:
    """Texts that only the key side of an item holds: feedback per option and overall."""
    found = [o["feedback"] for o in item["payload"]["options"] if o.get("feedback")]
    if item.get("feedback"):
        found.append(item["feedback"].strip())
    return [s for s in found if len(s) > 12]


def _keys(value) -> set[str]:
    """Every key of every object in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _fragments(text: str) -> list[str]:
    # Markdown/HTML rendering may change whitespace and escape quotes; compare short chunks.
    words = re.sub(r"\s+", " ", text).split(" ")
    return [" ".join(words[i:i + 6]) for i in range(0, max(1, len(words) - 5), 6)]


def test_unanswered_items_carry_no_key_in_html_or_json(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    raw_json = client.get(f"/api/attempts/{attempt_id}").get_data(as_text=True)
    data = json.loads(raw_json)
    items = by_stem()
    assert len(data["items"]) == 16

    # What the page may show of every item: stems, titles and option texts. Feedback often
    # quotes an option (of its own item or of another one on the same page).
    public = re.sub(r"\s+", " ", " ".join(
        text for entry in data["items"] for text in
        [items[entry["stem"]]["stem"], items[entry["stem"]]["title"]]
        + [o["text"] for o in items[entry["stem"]]["payload"]["options"]]))
    for entry in data["items"]:
        item = items[entry["stem"]]
        # The view holds option ids and texts only, whatever the key says, and the ids are
        # the attempt's opaque tokens, not the author's ("a" is so often the right one).
        author_ids = {o["id"] for o in item["payload"]["options"]}
        for option in entry["view"]["options"]:
            assert set(option) == {"id", "text"}
            assert option["id"] not in author_ids
            assert f'value="{option["id"]}"' in html
        assert not _keys(entry) & {"correct", "feedback", "weight", "answer_key"}
        for secret in _secrets(item):
            for fragment in _fragments(secret):
                if len(fragment) < 20 or fragment in public:
                    continue  # feedback often quotes the option it is about
                assert fragment not in raw_json, (item["id"], fragment)
                assert fragment not in html.replace("&#39;", "'").replace("&quot;", '"'), \
                    (item["id"], fragment)
    assert "is-correct" not in html and "option-feedback" not in html


def test_the_page_is_the_same_whatever_the_key(app, client, auth, db_session):
    """Flip every item's key in the database: the learner's page does not change."""
    from engine.models import ItemVersion

    auth.login()
    attempt_id = start_attempt(client)
    before = client.get(f"/api/attempts/{attempt_id}").get_json()
    html_before = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    versions = [v for v in db_session.query(ItemVersion).all() if v.type == "choice"]
    originals = {v.id: (v.payload, v.translations) for v in versions}

    def flipped(payload):
        payload = json.loads(json.dumps(payload))
        for option in payload["options"]:
            option["correct"] = not option["correct"]
            option["feedback"] = "SECRET"
        return payload

    # Published versions are immutable for the application (a before_flush guard); this
    # test changes them behind its back, with plain SQL, as tampering with the database would.
    def write(version_id, payload, translations):
        db_session.execute(update(ItemVersion).where(ItemVersion.id == version_id)
                           .values(payload=payload, translations=translations))

    try:
        for version in versions:  # in the original and in every language variant
            write(version.id, flipped(version.payload), {
                lang: {**variant, "payload": flipped(variant["payload"])}
                if "payload" in variant else variant
                for lang, variant in (version.translations or {}).items()} or None)
        db_session.commit()
        after = client.get(f"/api/attempts/{attempt_id}").get_json()
        html_after = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    finally:
        for version in versions:
            write(version.id, *originals[version.id])
        db_session.commit()
    assert before == after
    strip = re.compile(r'(csrf[-_]token"?\s*(content|value)=")[^"]+')
    assert strip.sub(r"\1", html_before) == strip.sub(r"\1", html_after)
