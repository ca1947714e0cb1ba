"""The item lifecycle in the app: drafts, four-eyes review, immutable published versions,
retiring, history, and what an edit does (and does not do) to attempts already taken."""

from __future__ import annotations

import re
import uuid

import pytest
import yaml
from sqlalchemy import select

from engine.models import Attempt, ImmutableVersionError, Item, ItemVersion, Response
from engine.services import blueprints
from tests.helpers import DEMO_ASSESSMENT, answer_all, start_attempt


def dilemma_form(title: str, **changes) -> dict:
    """The editor's fields for a small ethics dilemma, as the browser posts them."""
    form = {
        "title": title, "language": "nl", "outcomes:list": ["ESQF-E-6e"], "eqf_level:int": "6",
        "stem": "Een jongere vertelt u in vertrouwen dat hij is geslagen door een medebewoner. "
                "Hij vraagt u het niet door te vertellen.",
        "tags:csv": "ethiek, melden", "feedback": "",
        "payload.options.0.id": "a", "payload.options.0.text": "U meldt het incident.",
        "payload.options.0.weight:float": "100", "payload.options.0.feedback": "",
        "payload.options.1.id": "b", "payload.options.1.text": "U zwijgt, zoals gevraagd.",
        "payload.options.1.weight:float": "10", "payload.options.1.feedback": "",
        "payload.points:float": "4", "payload.shuffle:bool": ["false", "true"],
        "payload.justification.prompt": "Licht uw keuze toe.",
        "payload.justification.min_words:int": "0",
        "payload.justification.rubric.criteria.0.id": "arg",
        "payload.justification.rubric.criteria.0.title": "Argumentatie",
        "payload.justification.rubric.criteria.0.levels.0.id": "0",
        "payload.justification.rubric.criteria.0.levels.0.label": "Onvoldoende",
        "payload.justification.rubric.criteria.0.levels.0.points:float": "0",
        "payload.justification.rubric.criteria.0.levels.1.id": "1",
        "payload.justification.rubric.criteria.0.levels.1.label": "Goed",
        "payload.justification.rubric.criteria.0.levels.1.points:float": "2",
        "action": "save",
    }
    form.update(changes)
    return form


@pytest.fixture
def second(app, auth):
    """A second trainer in a client of their own."""
    user = auth.create("trainer")
    client = app.test_client()
    assert client.post("/login", data={"email": user["email"],
                                       "password": user["password"]}).status_code == 302
    return client


def create(client, **changes) -> str:
    title = f"Geheimhouding {uuid.uuid4().hex[:6]}"
    response = client.post("/author/items/new?type=ethics_dilemma",
                           data=dilemma_form(title, **changes))
    assert response.status_code == 302, re.findall(r'field-error[^>]*>([^<]*)',
                                                  response.get_data(as_text=True))
    return re.search(r"/author/items/([^/?]+)", response.headers["Location"]).group(1)


def item(db_session, uid: str) -> Item:
    db_session.expire_all()
    return db_session.scalar(select(Item).where(Item.uid == uid))


def test_the_author_cannot_publish_their_own_item(client, auth, db_session):
    auth.login("trainer")
    uid = create(client)
    assert client.post(f"/author/items/{uid}/submit").status_code == 302
    response = client.post(f"/author/items/{uid}/publish", follow_redirects=True)
    assert "four eyes" in response.get_data(as_text=True)
    found = item(db_session, uid)
    assert found.status == "in_review" and found.current_version is None
    assert found.working_version.status == "in_review"
    # Nor can they send it back to themselves: they withdraw it instead.
    client.post(f"/author/items/{uid}/send-back", data={"comment": "zelf"})
    assert item(db_session, uid).working_version.status == "in_review"


def test_review_send_back_fix_and_publish(client, auth, second, db_session):
    author = auth.login("trainer")
    uid = create(client)
    client.post(f"/author/items/{uid}/submit")
    # Sending back needs a comment.
    second.post(f"/author/items/{uid}/send-back", data={"comment": " "})
    assert item(db_session, uid).working_version.status == "in_review"
    second.post(f"/author/items/{uid}/send-back",
                data={"comment": "Optie b verdient feedback over de meldplicht."})
    assert item(db_session, uid).working_version.status == "draft"
    page = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    fixed = dilemma_form("Geheimhouding", **{
        "payload.options.1.feedback": "Bij geweld geldt de meldplicht.", "revision": revision})
    assert client.post(f"/author/items/{uid}/edit", data=fixed).status_code == 302
    client.post(f"/author/items/{uid}/submit")
    assert second.post(f"/author/items/{uid}/publish").status_code == 302
    found = item(db_session, uid)
    assert found.status == "published"
    assert found.current_version.number == 1 and found.current_version.status == "published"
    actions = [(e.action, e.user.name if e.user else None) for e in found.events]
    assert [a for a, _ in actions] == ["created", "submitted", "sent_back", "edited",
                                       "submitted", "published"]
    assert actions[0][1] == author["name"] and actions[-1][1] != author["name"]
    edit = next(e for e in found.events if e.action == "edited")
    assert {"field": "payload.options.1.feedback", "before": "",
            "after": "Bij geweld geldt de meldplicht."} in edit.changes
    # The history page shows who did what, the comment and the change word by word.
    html = client.get(f"/author/items/{uid}").get_data(as_text=True)
    assert "Optie b verdient feedback over de meldplicht." in html
    assert "<ins>Bij geweld geldt de meldplicht.</ins>" in html
    # Each export format is offered for the item.
    assert f"/author/exchange/export?format=gift&amp;ids={uid}" in html
    # Published now: a new assembly may draw it.
    assert uid in {c.uid for c in blueprints.published_candidates(db_session)}


def test_a_stale_editor_does_not_overwrite_a_newer_draft(client, auth, second, db_session):
    auth.login("trainer")
    uid = create(client)
    page = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    theirs = second.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    their_revision = re.search(r'name="revision" value="(\d+)"', theirs).group(1)
    assert second.post(f"/author/items/{uid}/edit", data=dilemma_form(
        "Hun titel", revision=their_revision)).status_code == 302
    stale = client.post(f"/author/items/{uid}/edit",
                        data=dilemma_form("Mijn titel", revision=revision))
    assert stale.status_code == 409
    assert "Mijn titel" in stale.get_data(as_text=True)  # the trainer's text is not lost
    assert item(db_session, uid).working_version.title == "Hun titel"


def test_published_versions_are_immutable_and_edits_write_a_new_draft(
        client, auth, second, db_session):
    auth.login("trainer")
    uid = create(client)
    client.post(f"/author/items/{uid}/submit")
    second.post(f"/author/items/{uid}/publish")
    page = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    client.post(f"/author/items/{uid}/edit", data=dilemma_form(
        "Geheimhouding, herzien", revision=revision))
    found = item(db_session, uid)
    assert [(v.number, v.status) for v in found.versions] == [(1, "published"), (2, "draft")]
    assert found.current_version.number == 1 and found.current_version.title != \
        "Geheimhouding, herzien"
    assert found.status == "published"  # still drawn, in version 1
    version = found.current_version
    version.title = "changed behind the service's back"
    with pytest.raises(ImmutableVersionError):
        db_session.flush()
    db_session.rollback()


def test_retiring_takes_an_item_out_of_new_assemblies_but_keeps_it(
        client, auth, second, db_session):
    auth.login("trainer")
    uid = create(client)
    client.post(f"/author/items/{uid}/submit")
    second.post(f"/author/items/{uid}/publish")
    client.post(f"/author/items/{uid}/retire", data={"comment": "verouderd"})
    found = item(db_session, uid)
    assert found.status == "retired" and found.current_version is not None
    assert uid not in {c.uid for c in blueprints.published_candidates(db_session)}
    assert client.get(f"/author/items/{uid}").status_code == 200
    client.post(f"/author/items/{uid}/restore")
    assert item(db_session, uid).status == "published"


def test_an_item_an_assessment_lists_cannot_be_retired(client, auth, db_session):
    auth.login("trainer")
    response = client.post("/author/items/vt-tf-naam-tolk/retire", follow_redirects=True)
    assert "Assessments list this item" in response.get_data(as_text=True)
    assert item(db_session, "vt-tf-naam-tolk").status == "published"


def test_unsafe_html_is_stored_and_shown_without_it(client, auth, db_session):
    auth.login("trainer")
    stem = ('Een jongere meldt een incident. <script>alert("x")</script>'
            '<img src="/media/none.png" onerror="alert(1)"> Wat doet u?')
    uid = create(client, stem=stem)
    stored = item(db_session, uid).working_version.stem
    assert "<script" not in stored and "onerror" not in stored and "alert" not in stored
    assert stored.startswith("Een jongere meldt een incident.") and stored.endswith("Wat doet u?")
    for url in (f"/author/items/{uid}", f"/author/items/{uid}/preview"):
        html = client.get(url).get_data(as_text=True)
        assert "Een jongere meldt een incident." in html
        assert "<script>alert" not in html and "onerror=" not in html


def test_links_to_internal_addresses_are_refused_next_to_the_field(client, auth, db_session):
    auth.login("trainer")
    before = db_session.scalar(select(ItemVersion.id).order_by(ItemVersion.id.desc()).limit(1))
    response = client.post("/author/items/new?type=ethics_dilemma", data=dilemma_form(
        "Interne link", stem="Zie [het dossier](http://10.0.0.12/dossiers/1)."))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-stem"[^>]*aria-invalid="true"', html)
    assert "points to an internal address (10.0.0.12)" in html
    assert db_session.scalar(select(ItemVersion.id).order_by(ItemVersion.id.desc())
                             .limit(1)) == before


def test_preview_answers_and_scores_without_storing(client, auth, db_session):
    auth.login("trainer")
    uid = create(client)
    page = client.get(f"/author/items/{uid}/preview").get_data(as_text=True)
    assert "weight" not in page.lower() or "expert weight" not in page  # no key before answering
    seed = re.search(r'name="seed" value="(\d+)"', page).group(1)
    options = dict(re.findall(r'value="(t[0-9a-f]+)"[^>]*>\s*<label[^>]*>([^<]+)</label>', page))
    best = next(token for token, text in options.items() if "meldt" in text)
    responses = db_session.scalar(select(Response.id).order_by(Response.id.desc()).limit(1))
    result = client.post(f"/author/items/{uid}/preview", data={
        "seed": seed, "version": "1", "item-0": best, "item-0.justification": "Veiligheid.",
        "action": "check"}).get_data(as_text=True)
    assert re.search(r"Score:\s*4 / 6", result)  # the choice's 4 points; 2 for the rubric
    assert "expert weight 100" in result
    graded = client.post(f"/author/items/{uid}/preview", data={
        "seed": seed, "version": "1", "answer": '{"option": "a", "justification": "Veiligheid."}',
        "criterion-arg": "1", "action": "grade"}).get_data(as_text=True)
    assert re.search(r'class="figure">6 / 6', graded)
    assert db_session.scalar(select(Response.id).order_by(Response.id.desc())
                             .limit(1)) == responses


def test_editing_a_published_item_leaves_an_attempt_on_it_unchanged(
        app, client, auth, db_session):
    from engine.services import results

    learner = app.test_client()
    user = auth.create("learner")
    learner.post("/login", data={"email": user["email"], "password": user["password"]})
    attempt_id = start_attempt(learner)
    answer_all(learner, attempt_id, correct=True)
    learner.post(f"/attempts/{attempt_id}/submit")
    before = learner.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    db_session.expire_all()
    attempt = db_session.get(Attempt, attempt_id)
    earned, form = attempt.earned, list(attempt.form)
    # Two trainers change an item of that attempt: a new stem, and the key flipped.
    auth.login("trainer")
    reviewer = app.test_client()
    other = auth.create("trainer")
    reviewer.post("/login", data={"email": other["email"], "password": other["password"]})
    uid = "po-basis-001"
    page = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    fields = _form_fields(page)
    fields["stem"] = "GEWIJZIGDE VRAAG: " + fields["stem"]
    right = [k for k, v in fields.items() if k.endswith(".correct:bool") and v[-1] == "true"]
    wrong = [k for k, v in fields.items() if k.endswith(".correct:bool") and v[-1] == "false"]
    fields[right[0]], fields[wrong[0]] = ["false"], ["false", "true"]
    # The English variant has the same key: it changes with it.
    variants = yaml.safe_load(fields["translations_yaml:yaml"][0])
    for index in (int(right[0].split(".")[2]), int(wrong[0].split(".")[2])):
        option = variants["en"]["payload"]["options"][index]
        option["correct"] = not option["correct"]
    fields["translations_yaml:yaml"] = [yaml.safe_dump(variants, allow_unicode=True)]
    fields["action"] = "save"
    saved = client.post(f"/author/items/{uid}/edit", data=fields)
    assert saved.status_code == 302, re.findall(
        r"<li><a href=[^>]*><code>([^<]*)</code></a>: ([^<]*)", saved.get_data(as_text=True))
    client.post(f"/author/items/{uid}/submit")
    assert reviewer.post(f"/author/items/{uid}/publish").status_code == 302
    found = item(db_session, uid)
    assert found.current_version.number == 2 and found.current_version.id not in form
    # The attempt keeps its versions, its score, and its review page.
    with app.app_context():
        session = app.extensions["oe_db"].session()
        graded = session.get(Attempt, attempt_id)
        results.score_attempt(session, app.extensions["oe_plugins"], graded)
        assert graded.earned == earned and list(graded.form) == form
        session.rollback()
    after = learner.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "GEWIJZIGDE VRAAG" not in after
    strip = lambda html: re.sub(  # noqa: E731
        r'(name="csrf_token" value|name="csrf-token" content)="[^"]*"', "", html)
    assert strip(after) == strip(before)
    assert DEMO_ASSESSMENT  # the demo assessment lists po-basis-001


def _form_fields(html: str) -> dict[str, list[str]]:
    """The editor form's fields as a browser posts them (inputs, checked boxes, textareas,
    selected options), enough for these tests."""
    from html.parser import HTMLParser

    fields: dict[str, list[str]] = {}

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.template = 0
            self.textarea = None
            self.select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "template":
                self.template += 1
            if self.template:
                return
            if tag == "input" and a.get("name"):
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                if kind not in ("submit", "button", "file"):
                    fields.setdefault(a["name"], []).append(a.get("value", ""))
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                fields.setdefault(self.textarea, []).append("")
            elif tag == "select" and a.get("name"):
                self.select = a["name"]
            elif tag == "option" and self.select and "selected" in a:
                fields.setdefault(self.select, []).append(a.get("value", ""))

        def handle_endtag(self, tag):
            if tag == "template":
                self.template -= 1
            elif tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea and not self.template:
                fields[self.textarea][-1] += data

    parser = Parser()
    parser.feed(html[html.index('id="item-form"'):])
    fields = {k: v for k, v in fields.items() if k != "csrf_token"}
    fields["stem"] = [fields["stem"][0].lstrip("\n")]
    return {k: v if len(v) > 1 else v for k, v in fields.items()} | {
        "stem": fields["stem"][0]}


@pytest.mark.parametrize("role", ["learner", "officer"])
@pytest.mark.parametrize("method, path", [
    ("get", "/author/items/new?type=choice"), ("get", "/author/items/po-basis-001"),
    ("get", "/author/items/po-basis-001/edit"), ("get", "/author/items/po-basis-001/preview"),
    ("get", "/author/items/po-basis-001/versions/1"), ("get", "/author/reviews"),
    ("post", "/author/items/po-basis-001/publish"), ("post", "/author/items/bulk"),
])
def test_only_trainers_author(client, auth, role, method, path):
    auth.login(role)
    response = getattr(client, method)(path)
    assert response.status_code == 403
    assert "Traceback" not in response.get_data(as_text=True)


def test_only_the_uploader_confirms_an_import(app, client, auth, db_session):
    from engine.models import ImportJob

    auth.login("trainer")
    item = {"id": f"own-{uuid.uuid4().hex[:6]}", "type": "true_false", "language": "nl",
            "title": "T", "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": "S.",
            "payload": {"answer": True}}
    import io

    response = client.post("/author/exchange/import", data={"file": (io.BytesIO(
        yaml.safe_dump({"items": [item]}).encode()), "x.yaml")},
        content_type="multipart/form-data")
    job_id = int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))
    other = app.test_client()
    user = auth.create("trainer")
    other.post("/login", data={"email": user["email"], "password": user["password"]})
    assert other.get(f"/author/exchange/imports/{job_id}").status_code == 200
    assert other.post(f"/author/exchange/imports/{job_id}/confirm").status_code == 403
    db_session.expire_all()
    assert db_session.get(ImportJob, job_id).status == "validated"


def test_the_reviewer_publishes_only_what_they_saw(client, auth, second, db_session):
    """The author withdraws, changes and resubmits while the reviewer's page is open: the
    reviewer's click does not publish text they never saw."""
    auth.login("trainer")
    uid = create(client)
    client.post(f"/author/items/{uid}/submit")
    page = second.get(f"/author/items/{uid}").get_data(as_text=True)
    seen = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page).group(1)
    client.post(f"/author/items/{uid}/withdraw")
    edit = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', edit).group(1)
    client.post(f"/author/items/{uid}/edit", data=dilemma_form(
        "Niet nagekeken", revision=revision))
    client.post(f"/author/items/{uid}/submit")
    refused = second.post(f"/author/items/{uid}/publish", data={"content_hash": seen},
                          follow_redirects=True)
    assert "The item changed meanwhile" in refused.get_data(as_text=True)
    found = item(db_session, uid)
    assert found.current_version is None and found.working_version.status == "in_review"
    # Bulk publishing binds to the version the list showed, too.
    second.post("/author/items/bulk", data={"action": "publish", "uids": [f"{uid}@{seen}"]})
    assert item(db_session, uid).current_version is None


def test_an_edit_of_a_draft_put_in_review_meanwhile_keeps_the_text(client, auth, second):
    auth.login("trainer")
    uid = create(client)
    edit = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', edit).group(1)
    second.post(f"/author/items/{uid}/submit")
    response = client.post(f"/author/items/{uid}/edit", data=dilemma_form(
        "Mijn nieuwe titel", revision=revision))
    assert response.status_code == 409
    assert 'value="Mijn nieuwe titel"' in response.get_data(as_text=True)


def test_only_its_writers_discard_a_draft(client, auth, second, db_session):
    auth.login("trainer")
    uid = create(client)
    response = second.post(f"/author/items/{uid}/discard", follow_redirects=True)
    assert "Only the trainers who wrote this draft can discard it." in \
        response.get_data(as_text=True)
    assert item(db_session, uid) is not None
    client.post(f"/author/items/{uid}/discard")
    assert item(db_session, uid) is None


def test_a_bank_file_loaded_while_a_version_is_in_review_does_not_strand_it(own_app):
    """The bank file changed and was loaded again (make run does at every start) while a
    trainer's next version of the item waited for review: that version stays the one in
    review, and publishing it makes it current."""
    from engine.models import User
    from engine.services import authoring, reviews
    from engine.services.bank_loading import LoadReport, _load_item
    from tests.conftest import Auth

    auth = Auth(own_app, own_app.test_client())
    author, reviewer = auth.create("trainer"), auth.create("trainer")
    with own_app.app_context():
        session = own_app.extensions["oe_db"].session()
        plugins = own_app.extensions["oe_plugins"]
        found = authoring.get_item(session, "alg-001")
        data = {"id": "alg-001", **found.current_version.content()}
        authoring.save(session, plugins, session.get(User, author["id"]), found,
                       {**data, "title": "Door een trainer herzien"})
        reviews.submit(session, session.get(User, author["id"]), found)
        _load_item(session, {**data, "title": "Uit het gewijzigde bankbestand",
                             "origin": "items/standaard-algemeen.yaml"}, LoadReport())
        session.commit()
        found = authoring.get_item(session, "alg-001")
        assert [(v.number, v.status) for v in found.versions] == [
            (1, "superseded"), (2, "in_review"), (3, "published")]
        assert found.working_version.number == 2
        assert "version 2 is still in review in the app" in found.events[-1].comment
        reviews.publish(session, session.get(User, reviewer["id"]), found)
        assert found.current_version.title == "Door een trainer herzien"
