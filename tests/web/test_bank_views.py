"""Trainers' bank views: filters, and a coverage heatmap that matches the published items."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import Item, ItemVersion


def test_filters_narrow_the_list(client, auth):
    auth.login("trainer")
    everything = client.get("/author/items").get_data(as_text=True)
    by_outcome = client.get("/author/items?outcome=ESQF-E-18e").get_data(as_text=True)
    by_type = client.get("/author/items?type=interview_scenario").get_data(as_text=True)
    by_text = client.get("/author/items?text=tolk").get_data(as_text=True)
    count = lambda html: len(re.findall(r'name="uids" value="', html))  # noqa: E731
    assert count(everything) > count(by_outcome) > 0
    assert 0 < count(by_type) < count(everything)
    assert "po-basis-001" in by_outcome and "sc-01" in by_type
    assert 0 < count(by_text) < count(everything)
    assert client.get("/author/items?eqf_level=x").status_code == 400


def test_heatmap_counts_match_the_published_items(client, auth, db_session):
    auth.login("trainer")
    html = client.get("/author/coverage").get_data(as_text=True)
    shown = {f"ESQF-E-{m[0]}": int(m[1]) for m in re.findall(
        r'aria-label="ESQF-E-(\d+[a-i]): (\d+) items?"', html)}
    expected: dict[str, int] = {}
    rows = db_session.execute(select(ItemVersion.outcomes).join(
        Item, Item.current_version_id == ItemVersion.id).where(Item.status == "published"))
    for (codes,) in rows:
        for code in codes:
            expected[code] = expected.get(code, 0) + 1
    assert {k: v for k, v in shown.items() if v} == expected
    covered = sum(1 for v in shown.values() if v)
    assert f"{covered} of {len(shown)} non-empty cells" in html


def _cell_counts(client) -> dict[str, int]:
    html = client.get("/author/coverage").get_data(as_text=True)
    return {f"ESQF-E-{m[0]}": int(m[1]) for m in re.findall(
        r'aria-label="ESQF-E-(\d+[a-i]): (\d+) items?"', html)}


def test_the_heatmap_counts_published_items_only(app, client, auth, db_session):
    """A draft, an item in review and a retired item are not in the heatmap; a published one
    is, in its cell and in its competence area."""
    from engine.services import authoring, reviews
    from engine.services.coverage import coverage

    trainer = auth.login("trainer")
    reviewer = auth.create("trainer")
    before = _cell_counts(client)
    with app.app_context():
        session = app.extensions["oe_db"].session()
        plugins = app.extensions["oe_plugins"]
        from engine.models import User

        author, other = session.get(User, trainer["id"]), session.get(User, reviewer["id"])
        saved = authoring.create_item(session, plugins, author, {
            "type": "true_false", "language": "nl", "title": "Telling",
            "outcomes": ["ESQF-E-21h"], "eqf_level": 7, "stem": "Een stelling.",
            "payload": {"answer": True}})
        item = saved.item
        area = next(a for a in coverage(session).areas
                    if a["area"] == "Onderzoek naar herkomstlandeninformatie")
        area_before = area["bands"]["7"]["count"]
        assert _cell_counts(client) == before  # draft
        reviews.submit(session, author, item)
        assert _cell_counts(client) == before  # in review
        reviews.publish(session, other, item)
        after = _cell_counts(client)
        assert after["ESQF-E-21h"] == before["ESQF-E-21h"] + 1
        assert {k: v for k, v in after.items() if k != "ESQF-E-21h"} == \
            {k: v for k, v in before.items() if k != "ESQF-E-21h"}
        html = client.get("/author/coverage?view=areas").get_data(as_text=True)
        label = f"Onderzoek naar herkomstlandeninformatie, EQF 7: {area_before + 1} item"
        assert label in html
        reviews.retire(session, author, item)
        assert _cell_counts(client) == before


def test_filters_by_status_and_author(app, client, auth):
    from engine.models import User
    from engine.services import authoring

    trainer = auth.login("trainer")
    with app.app_context():
        session = app.extensions["oe_db"].session()
        authoring.create_item(session, app.extensions["oe_plugins"],
                              session.get(User, trainer["id"]), {
            "id": "filter-draft", "type": "true_false", "language": "nl", "title": "Concept",
            "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": "Een stelling.",
            "payload": {"answer": False}})
    drafts = client.get("/author/items?status=draft").get_data(as_text=True)
    assert "filter-draft" in drafts and "po-basis-001" not in drafts
    published = client.get("/author/items?status=published&text=filter-draft")
    assert "0 items" in published.get_data(as_text=True)
    mine = client.get(f"/author/items?author={trainer['id']}").get_data(as_text=True)
    assert "filter-draft" in mine and "po-basis-001" not in mine
    by_band = client.get("/author/items?band=7&type=coi_exercise").get_data(as_text=True)
    assert "coi-" in by_band and "sc-01" not in by_band


def test_bulk_submit_and_publish_keep_four_eyes(app, client, auth, db_session):
    from engine.models import User
    from engine.services import authoring

    trainer = auth.login("trainer")
    uids = ["bulk-one", "bulk-two"]
    with app.app_context():
        session = app.extensions["oe_db"].session()
        for uid in uids:
            authoring.create_item(session, app.extensions["oe_plugins"],
                                  session.get(User, trainer["id"]), {
                "id": uid, "type": "true_false", "language": "nl", "title": uid,
                "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": "Een stelling.",
                "payload": {"answer": True}})
    client.post("/author/items/bulk", data={"action": "submit", "uids": uids})
    refused = client.post("/author/items/bulk", data={
        "action": "publish", "uids": uids, "next": "https://evil.example.org/"})
    assert refused.headers["Location"] == "/author/items"  # never off the site
    page = client.get("/author/items?status=in_review").get_data(as_text=True)
    assert page.count("four eyes") == 2
    reviewer = app.test_client()
    other = auth.create("trainer")
    reviewer.post("/login", data={"email": other["email"], "password": other["password"]})
    reviewer.post("/author/items/bulk", data={"action": "publish", "uids": uids})
    db_session.expire_all()
    statuses = {i.uid: i.status for i in db_session.scalars(
        select(Item).where(Item.uid.in_(uids)))}
    assert statuses == {"bulk-one": "published", "bulk-two": "published"}
