"""Assessment integrity as a learner with the browser's developer tools would test it: author
ids sent through the JSON API are refused for every question type and nothing is saved;
tokens cannot be recomputed from the page and differ between attempts; a scheme refuses an
assessment that can be passed without the competence."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
import yaml
from sqlalchemy import select

from engine.config import ROOT
from engine.domain.tokens import FOREIGN_MESSAGE, ItemTokens, derive_secret
from engine.models import Attempt, Item, ItemVersion
from engine.services import schemes
from tests.conftest import Auth
from tests.helpers import by_stem, put_answer, start_attempt

# Author ids of the bundled bank are short and predictable: "a" is a key in a quarter of
# the items, scenario choices are c1, c2, ..., COI sources src1, src2, ...
GUESSES = ["a", "b", "c", "d", "e", "c1", "c2", "src1", "src2", "st1", "p1", "r1", "l1"]


def _author_ids(payload: dict) -> set[str]:
    """Every id the author wrote in a payload, whatever the type."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("id", "match", "next", "start") and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    return found


def _forged_answers(item_type: str, ids: list[str]) -> list[dict]:
    """Responses of every type's shape that name author ids instead of the page's tokens."""
    first = ids[0]
    return {
        "choice": [{"choices": [i]} for i in ids],
        "ethics_dilemma": [{"option": i, "justification": "Omdat."} for i in ids],
        "interview_scenario": [{"path": [i]} for i in ids],
        "coi_exercise": [{"sources": [i]} for i in ids]
        + [{"statements": {i: {"verdict": "corroborated"}}} for i in ids],
        "ordering": [{"order": ids}],
        "matching": [{"matches": {first: i}} for i in ids],
        "hotspot_text": [{"marked": [i]} for i in ids],
    }.get(item_type, [])


def _refused_everywhere(client, attempt_id: int, items: dict | None = None) -> int:
    """Send author ids for every item of the attempt; every save must be refused with 422
    and a message that names no id. Returns the number of forged saves sent."""
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    stems = by_stem(items)
    sent = 0
    for entry in data["items"]:
        item = stems[entry["stem"]]
        ids = sorted(_author_ids(item["payload"]) | set(GUESSES))
        for forged in _forged_answers(entry["type"], ids):
            response = put_answer(client, attempt_id, entry['position'], forged)
            sent += 1
            assert response.status_code == 422, (entry["type"], forged, response.get_json())
            body = response.get_json()
            assert body["fields"] == {"response": FOREIGN_MESSAGE}
            for author_id in ids:
                if len(author_id) > 1:
                    assert f'"{author_id}"' not in json.dumps(body)
    after = client.get(f"/api/attempts/{attempt_id}").get_json()
    assert all(e["answer"] is None and e["sequence"] == 0 for e in after["items"]), \
        "a forged answer was saved"
    return sent


def test_author_ids_are_refused_for_every_item_of_the_certification_test(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    assert _refused_everywhere(client, attempt_id) >= 16 * 4


def test_author_ids_are_refused_for_the_other_standard_types(client, auth):
    auth.login()
    attempt_id = start_attempt(client, "vraagtypen-oefentoets")
    types = {e["type"] for e in client.get(f"/api/attempts/{attempt_id}").get_json()["items"]}
    assert {"ordering", "matching", "hotspot_text"} <= types
    assert _refused_everywhere(client, attempt_id) > 10


def test_author_ids_are_refused_for_the_domain_types(domain_app):
    client = domain_app.test_client()
    Auth(domain_app, client).login()
    attempt_id = start_attempt(client, "domein-toets")
    types = {e["type"] for e in client.get(f"/api/attempts/{attempt_id}").get_json()["items"]}
    assert types == {"interview_scenario", "coi_exercise", "ethics_dilemma"}
    items = {i["id"]: {**i, "translations": {}} for i in yaml.safe_load(
        (ROOT / "tests" / "data" / "domain_items.yaml").read_text(encoding="utf-8"))["items"]}
    assert _refused_everywhere(client, attempt_id, items) > 10


def _page_tokens(client, attempt_id: int) -> dict[str, set[str]]:
    """The option tokens the page shows, by item stem."""
    data = client.get(f"/api/attempts/{attempt_id}").get_json()
    return {e["stem"]: {o["id"] for o in e["view"]["options"]} for e in data["items"]}


def test_tokens_cannot_be_recomputed_from_the_page(app, client, auth, db_session):
    """Everything the page carries, and the ways a token could be built from it, gives none
    of the page's tokens: only the server's secret does."""
    auth.login()
    attempt_id = start_attempt(client)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    raw = client.get(f"/api/attempts/{attempt_id}").get_data(as_text=True)
    attempt = db_session.get(Attempt, attempt_id)
    assert attempt.token_salt not in html and attempt.token_salt not in raw
    stems = by_stem()
    data = json.loads(raw)
    secret = app.extensions["oe_token_secret"]
    for entry in data["items"]:
        shown = {o["id"] for o in entry["view"]["options"]}
        ids = [o["id"] for o in stems[entry["stem"]]["payload"]["options"]]
        position = entry["position"]
        attempts = []
        for author_id in ids:
            # the former scheme: a hash of a 31-bit seed and the id, no secret
            attempts.append("x" + hashlib.sha256(
                f"{attempt.seed + position}:{author_id}".encode()).hexdigest()[:10])
            message = f"{attempt.token_salt}|{position}|option|{author_id}".encode()
            # the right construction with a guessed key: none, the app's SECRET_KEY itself
            for key in (b"", b"testing", app.config["SECRET_KEY"].encode()):
                attempts.append("t" + hmac.new(key, message, hashlib.sha256).hexdigest()[:24])
            # the right key but another attempt's salt or another position
            attempts.append(ItemTokens(secret, "0" * 32, position).token("option", author_id))
            attempts.append(ItemTokens(secret, attempt.token_salt, position + 1)
                            .token("option", author_id))
        assert not shown & set(attempts)
        # With the server's secret the tokens are exactly the page's.
        real = {ItemTokens(secret, attempt.token_salt, position).token("option", i)
                for i in ids}
        assert real == shown
    assert derive_secret("testing") == secret != derive_secret("another key")


def test_two_attempts_of_one_learner_get_different_tokens_for_the_same_item(client, auth,
                                                                            db_session):
    auth.login()
    first = start_attempt(client, "vraagtypen-oefentoets")
    before = client.get(f"/api/attempts/{first}").get_json()["items"]
    client.post(f"/attempts/{first}/submit")
    second = start_attempt(client, "vraagtypen-oefentoets")
    assert second != first
    after = {e["stem"]: e for e in client.get(f"/api/attempts/{second}").get_json()["items"]}
    compared = 0
    for entry in before:
        again = after[entry["stem"]]
        old = {s for s in json.dumps(entry["view"]).split('"') if s.startswith("t")
               and len(s) == 25}
        new = {s for s in json.dumps(again["view"]).split('"') if s.startswith("t")
               and len(s) == 25}
        if old:
            compared += 1
            assert new and not old & new, entry["type"]
    assert compared >= 6


def test_the_certification_test_draws_a_parallel_form_for_the_next_attempt(
        client, auth, db_session):
    from datetime import timedelta

    from sqlalchemy import update

    from engine.models import utcnow

    auth.login()
    first = start_attempt(client)
    client.post(f"/attempts/{first}/submit")
    refused = client.post("/assessments/po-basis-toets/start", follow_redirects=True)
    assert "You can start your next attempt on" in refused.get_data(as_text=True)
    db_session.execute(update(Attempt).values(submitted_at=utcnow() - timedelta(hours=25)))
    db_session.commit()
    second = start_attempt(client)
    forms = [set(db_session.get(Attempt, a).form) for a in (first, second)]
    uids = [set(db_session.scalars(select(Item.uid).join(
        ItemVersion, ItemVersion.item_id == Item.id).where(ItemVersion.id.in_(f))))
        for f in forms]
    assert len(uids[0] & uids[1]) <= 4, "the second form repeats most of the first"


def test_no_other_assessment_shows_items_kept_for_certification(client, auth, db_session):
    """Module tests draw from the same bank: none of them may draw (and after submission
    show the key of) an item of the certification pool."""
    from engine.services import integrity

    kept = integrity.secured_in_db(db_session)
    assert {f"po-basis-{n:03d}" for n in range(1, 25)} <= set(kept)
    auth.login()
    for uid in ("algemene-competenties-toets", "gespreksvaardigheden-toets",
                "kwetsbaarheid-en-opvang-toets"):
        attempt_id = start_attempt(client, uid)
        form = db_session.get(Attempt, attempt_id).form
        drawn = set(db_session.scalars(select(Item.uid).join(
            ItemVersion, ItemVersion.item_id == Item.id).where(ItemVersion.id.in_(form))))
        assert not drawn & set(kept), uid


@pytest.fixture
def officer(db_session, app):
    from engine.models import User

    made = Auth(app, app.test_client()).create("officer")
    return db_session.get(User, made["id"])


def _scheme(assessment: str) -> dict:
    return {"id": "test-schema", "title": "Test", "eqf_level": 6,
            "outcomes": ["ESQF-E-18e"], "requires": {"assessments": [assessment]}}


def test_a_scheme_refuses_an_assessment_with_unlimited_attempts_or_early_keys(
        app, db_session, officer):
    question_types = app.extensions["oe_plugins"].question_types
    with pytest.raises(schemes.SchemeError) as refused:
        schemes.save_scheme(db_session, officer, _scheme("vraagtypen-oefentoets"),
                            question_types=question_types)
    reasons = str(refused.value.errors["requires.assessments"])
    assert "vraagtypen-oefentoets cannot count toward a certificate" in reasons
    assert "unlimited attempts" in reasons
    assert "shows the answer keys before the learner's attempts are used up" in reasons
    assert "fixed list of items and allows more than one attempt" in reasons
    with pytest.raises(schemes.SchemeError) as refused:
        schemes.save_scheme(db_session, officer, _scheme("po-oefentoets"),
                            question_types=question_types)
    assert "practice assessment" in str(refused.value.errors["requires.assessments"])
    # The demo's certification test is safe by construction.
    saved = schemes.save_scheme(db_session, officer, _scheme("po-basis-toets"),
                                question_types=question_types)
    assert saved.uid == "test-schema"


def test_the_officer_sees_why_a_scheme_refuses_an_assessment(client, auth):
    auth.login("officer")
    response = client.post("/accreditation/schemes/new", data={
        "id": "test-schema", "title": "Test", "eqf_level": "6", "outcomes": "ESQF-E-18e",
        "assessments": "vraagtypen-oefentoets"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    assert "cannot count toward a certificate" in html and "unlimited attempts" in html


def test_the_editor_and_the_reviewers_page_show_the_cue_flags(client, auth):
    from tests.web.test_authoring import dilemma_form

    auth.login("trainer")
    flawed = dilemma_form("Cue", **{
        "payload.options.0.text": "U meldt het incident aan de verantwoordelijke, omdat de "
                                  "veiligheid van de jongere voorgaat op zijn verzoek.",
        "payload.options.1.text": "U zwijgt altijd, zoals gevraagd."})
    checked = client.post("/author/items/new?type=ethics_dilemma",
                          data={**flawed, "action": "check"}).get_data(as_text=True)
    assert "Cue check" in checked
    assert "The key is the longest option" in checked
    assert "Absolute words only in distractors" in checked
    saved = client.post("/author/items/new?type=ethics_dilemma", data=flawed)
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Cue check" in page and "The key is the longest option" in page
    assert "Test-wise learners choose the longest" in page  # with its explanation
    fixed = dilemma_form("Cue", **{"payload.options.1.text": "U zwijgt over wat hij u "
                                                             "vertelde, zoals hij vroeg."})
    checked = client.post("/author/items/new?type=ethics_dilemma",
                          data={**fixed, "action": "check"}).get_data(as_text=True)
    assert "Cue check" not in checked


def test_item_bank_validate_prints_the_cue_flags_and_scores(app):
    result = app.test_cli_runner().invoke(args=["item-bank", "validate"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Cue check" in out and "The key is the longest option:" in out
    assert "Key positions (even)" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("po-basis-toets:"))
    assert "chance" in line and "pass mark 70 %" in line
    share = next(x for x in out.splitlines() if "single-answer items in nl" in x)
    assert int(share.rsplit("(", 1)[1].split(" %")[0]) <= 35


def test_keys_after_the_last_attempt_stay_hidden_while_the_last_attempt_is_open(
        client, auth, db_session):
    """Starting the last attempt must not release the review (with keys) of the earlier
    ones: the last attempt would repeat some of their items."""
    from datetime import timedelta

    from sqlalchemy import update

    from engine.models import Assessment, utcnow

    db_session.execute(update(Assessment).where(Assessment.uid == "po-basis-toets")
                       .values(feedback_policy="after_attempts"))
    db_session.commit()
    auth.login()
    done = []
    for _ in range(3):
        db_session.execute(update(Attempt).values(submitted_at=utcnow() - timedelta(hours=25)))
        db_session.commit()
        attempt_id = start_attempt(client)
        if len(done) < 2:
            client.post(f"/attempts/{attempt_id}/submit")
            done.append(attempt_id)
    # The third attempt is open: the first two show no keys.
    for earlier in done:
        page = client.get(f"/attempts/{earlier}/result").get_data(as_text=True)
        assert "item-review" not in page and "correct answer" not in page
    client.post(f"/attempts/{attempt_id}/submit")
    page = client.get(f"/attempts/{done[0]}/result").get_data(as_text=True)
    assert "item-review" in page  # all three used: now the answers are shown
