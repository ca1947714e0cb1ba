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
    count = lambda html: len(re.findall(r"<tr>\s*<td><code>", html))  # noqa: E731
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
