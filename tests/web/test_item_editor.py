"""The item editor in the browser: every type's author form gives back the item it shows, a
failed save shows each error next to its field, and trainers create items of every standard
type through the form.

The forms are read as a browser submits them (``form_fields``): the successful controls of
the editor's form in document order, without the rows' ``<template>``s and disabled controls.
"""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from engine.models import Item, ItemVersion
from engine.plugins import build_plugin_manager, build_registries
from engine.web.nested_forms import nested

#: the fields every item has, whatever its type
COMMON = ("title", "stem", "outcomes", "eqf_level", "language", "tags", "feedback", "source")
#: bank items per type whose editor is read back
PER_TYPE = 8
TEXT_INPUTS = {"text", "search", "email", "url", "tel", "password"}
FLOAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# -- reading a form as a browser submits it ---------------------------------------------------


class _FormReader(HTMLParser):
    """The successful controls of one form (see ``form_fields``), and every control's name."""

    def __init__(self, form_id: str, crlf: bool):
        super().__init__(convert_charrefs=True)
        self.form_id, self.crlf = form_id, crlf
        self.fields: list[tuple[str, str]] = []
        self.names: set[str] = set()
        self._in_form = False
        self._template = 0
        self._textarea: tuple[str, list[str]] | None = None
        self._select: dict | None = None
        self._option: dict | None = None

    def _newlines(self, text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.replace("\n", "\r\n") if self.crlf else text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
            return
        if self._template:
            return
        if tag == "form":
            self._in_form = a.get("id") == self.form_id
            return
        if not self._in_form:
            return
        name, disabled = a.get("name"), "disabled" in a
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if not name or disabled or kind in {"submit", "button", "reset", "image", "file"}:
                return
            self.names.add(name)
            value = a.get("value") or ""
            if kind in TEXT_INPUTS:
                value = value.replace("\r", "").replace("\n", "")  # value sanitization
            elif kind == "number":
                value = value if FLOAT.match(value.strip()) else ""
            elif kind in {"checkbox", "radio"}:
                if "checked" not in a:
                    return
                value = a["value"] if a.get("value") is not None else "on"
            elif kind != "hidden":
                return
            self.fields.append((name, value))
        elif tag == "textarea" and name and not disabled:
            self.names.add(name)
            self._textarea = (name, [])
        elif tag == "select" and name and not disabled:
            self.names.add(name)
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = {"value": a.get("value"), "selected": "selected" in a,
                            "disabled": disabled, "text": []}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._template:
            return
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option["text"].append(data)

    def _end_option(self):
        if self._option is not None and self._select is not None:
            option = self._option
            if option["value"] is None:
                option["value"] = " ".join("".join(option["text"]).split())
            self._select["options"].append(option)
        self._option = None

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
            return
        if self._template:
            return
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, chunks = self._textarea
            text = "".join(chunks)
            if text.startswith("\n"):  # the HTML parser drops a newline right after <textarea>
                text = text[1:]
            self.fields.append((name, self._newlines(text)))
            self._textarea = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            options = self._select["options"]
            if self._select["multiple"]:
                chosen = [o for o in options if o["selected"]]
            else:
                # The last option marked selected wins; with none, the first one is shown.
                marked = [o for o in options if o["selected"]]
                enabled = [o for o in options if not o["disabled"]]
                chosen = marked[-1:] or enabled[:1]
            self.fields.extend((self._select["name"], o["value"]) for o in chosen
                               if not o["disabled"])
            self._select = None


def form_fields(html: str, form_id: str = "item-form", *, crlf: bool = False) -> MultiDict:
    """The fields a browser posts for the form ``form_id``: named inputs of type
    text/hidden/number/search (newlines stripped, as browsers do), checked boxes and radios,
    textareas and the selected options, in document order; ``<template>`` contents and
    disabled controls left out. Browsers post a textarea's line breaks as CRLF: ``crlf``
    does that too (by default they stay LF)."""
    reader = _FormReader(form_id, crlf)
    reader.feed(html)
    reader.close()
    return MultiDict(reader.fields)


def control_names(html: str, form_id: str = "item-form") -> set[str]:
    """The names of every enabled control of the form, posted or not (unchecked boxes too)."""
    reader = _FormReader(form_id, crlf=False)
    reader.feed(html)
    reader.close()
    return reader.names


def as_nested(fields: MultiDict) -> dict:
    return nested((name, fields.getlist(name)) for name in fields)


class _Tags(HTMLParser):
    """Start tags in document order, with their attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def start_tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def tag_after(tags, match) -> tuple[str, dict]:
    """The start tag right after the first tag ``match(tag, attrs)`` accepts."""
    index = next(i for i, (tag, attrs) in enumerate(tags) if match(tag, attrs))
    return tags[index + 1]


def is_field_error(tag: tuple[str, dict]) -> bool:
    return tag[0] == "span" and "field-error" in tag[1].get("class", "").split()


# -- the registered types ---------------------------------------------------------------------


def _question_types():
    return build_registries(build_plugin_manager(autoload=False)).question_types


def _with_author_form() -> list[str]:
    return sorted(t.name for t in _question_types() if t.templates.get("author"))


def _qtype(app, name: str):
    return app.extensions["oe_plugins"].question_types.get(name)


def _bank_items(session, name: str) -> list[Item]:
    """Up to PER_TYPE items loaded from the bank whose working version has type ``name``."""
    ids = session.scalars(select(ItemVersion.item_id).where(ItemVersion.type == name)
                          .distinct())
    items = session.scalars(
        select(Item).where(Item.id.in_(list(ids)), Item.origin.is_not(None))
        .options(selectinload(Item.versions)).order_by(Item.uid)).all()
    return [i for i in items if i.working_version is not None
            and i.working_version.type == name
            and i.working_version.status != "in_review"][:PER_TYPE]


def test_the_six_standard_types_have_an_author_form():
    named = set(_with_author_form())
    assert {"true_false", "short_text", "numeric", "ordering", "matching",
            "hotspot_text", "choice", "ethics_dilemma"} <= named


# -- round trip: the editor gives back the item it shows ---------------------------------------


@pytest.mark.parametrize("name", _with_author_form())
def test_the_editor_gives_back_the_item_it_shows(name, app, client, auth, db_session):
    qtype = _qtype(app, name)
    items = _bank_items(db_session, name)
    if not items:
        pytest.skip(f"the bank has no {name} items")
    auth.login("trainer")
    for item in items:
        version = item.working_version
        page = client.get(f"/author/items/{item.uid}/edit")
        assert page.status_code == 200, item.uid
        html = page.get_data(as_text=True)
        fields = form_fields(html, crlf=True)  # as browsers post textareas
        data = as_nested(fields)
        payload = qtype.from_author_form(data.get("payload") or {})
        assert qtype.validate_payload(payload) == qtype.validate_payload(version.payload), \
            item.uid
        stored = version.content()
        shown = {key: data.get(key) for key in COMMON}
        shown["tags"] = shown["tags"] or []
        expected = {key: stored.get(key) for key in COMMON}
        expected["tags"] = expected["tags"] or []
        assert shown == expected, item.uid
        assert (data.get("translations_yaml") or {}) == (version.translations or {}), item.uid
        # What the form posts passes the editor's own check (nothing is saved).
        fields["action"] = "check"
        checked = client.post(f"/author/items/{item.uid}/edit", data=fields)
        assert checked.status_code == 200, (item.uid, checked.get_data(as_text=True)[:2000])


# -- a failed save shows each error next to its field -----------------------------------------


def _count_items(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(Item.id)))


def _choice_form(**overrides) -> MultiDict:
    fields = {
        "id": f"test-editor-error-{uuid.uuid4().hex[:8]}",
        "title": "Een keuzevraag met fouten", "language": "nl",
        "stem": "Wie stelt de aanwezigen voor bij de opening van het onderhoud?",
        "eqf_level:int": "6", "source.document:opt": "", "source.lines.0:int": "",
        "source.lines.1:int": "", "source.note:opt": "", "tags:csv": "", "feedback": "",
        "payload.multiple:bool": "false", "payload.scoring": "all_or_nothing",
        "payload.points:float": "1", "payload.shuffle:bool": "false",
        "payload.options.0.id": "a", "payload.options.0.text": "",
        "payload.options.0.correct:bool": "false", "payload.options.0.feedback": "",
        "payload.options.1.id": "b", "payload.options.1.text": "De tolk",
        "payload.options.1.correct:bool": "false", "payload.options.1.feedback": "",
        "translations_yaml:yaml": "", "action": "save"}
    fields.update(overrides)
    return MultiDict(fields)


def _error_after_input(html: str, name: str) -> bool:
    tags = start_tags(html)
    field = next(a for t, a in tags if t == "input" and a.get("name") == name)
    after = tag_after(tags, lambda t, a: t == "input" and a.get("name") == name)
    return is_field_error(after) and f"err-{field['id']}" in field.get("aria-describedby", "") \
        and field.get("aria-invalid") == "true"


def _error_after_legend(html: str, fieldset_id: str) -> bool:
    tags = start_tags(html)
    index = next(i for i, (t, a) in enumerate(tags) if t == "fieldset"
                 and a.get("id") == fieldset_id)
    assert tags[index + 1][0] == "legend"
    return is_field_error(tags[index + 2])


def test_payload_errors_show_next_to_their_fields(client, auth, db_session):
    auth.login("trainer")
    before = _count_items(db_session)
    fields = _choice_form()
    fields.add("outcomes:list", "ESQF-E-18e")
    response = client.post("/author/items/new?type=choice", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_after_input(html, "payload.options.0.text")
    assert _count_items(db_session) == before
    # The text fixed, the list-level error (no correct option) shows on the options' rows.
    fields["payload.options.0.text"] = "De protection officer"
    response = client.post("/author/items/new?type=choice", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_after_legend(html, "f-payload-options")
    assert "exactly one correct option" in html
    assert 'href="#f-payload-options"' in html  # the summary links to the field
    assert _count_items(db_session) == before


def test_outcome_errors_show_next_to_the_picker(client, auth, db_session):
    auth.login("trainer")
    before = _count_items(db_session)
    response = client.post("/author/items/new?type=choice", data=_choice_form(
        **{"payload.options.0.text": "De protection officer"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_after_legend(html, "f-outcomes")
    assert 'id="err-f-outcomes"' in html
    # What the trainer typed stays in the form.
    assert form_fields(html)["payload.options.0.text"] == "De protection officer"
    assert _count_items(db_session) == before


def test_all_errors_show_at_once(client, auth, db_session):
    auth.login("trainer")
    before = _count_items(db_session)
    response = client.post("/author/items/new?type=choice", data=_choice_form())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _count_items(db_session) == before
    assert _error_after_legend(html, "f-outcomes")
    assert _error_after_input(html, "payload.options.0.text")


def test_textarea_line_ends_are_kept(client, auth, db_session):
    auth.login("trainer")
    uid = f"test-editor-crlf-{uuid.uuid4().hex[:8]}"
    fields = MultiDict(_new_item_fields(uid, "Twee regels", [
        ("payload.answer:bool", "true"), ("payload.points:float", "1"),
        ("payload.feedback_true", ""), ("payload.feedback_false", "")]))
    fields["stem"] = "Eerste regel.\n\nTweede regel."
    assert client.post("/author/items/new?type=true_false", data=fields).status_code == 302
    html = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    again = form_fields(html, crlf=True)
    again["action"] = "save"
    client.post(f"/author/items/{uid}/edit", data=again)
    db_session.expire_all()
    item = db_session.scalar(select(Item).where(Item.uid == uid))
    assert item.working_version.stem == "Eerste regel.\n\nTweede regel."
    assert [e.action for e in item.events] == ["created"]


def test_a_payload_of_only_an_answer_is_kept(client, auth):
    auth.login("trainer")
    fields = MultiDict(_new_item_fields(f"test-editor-bare-{uuid.uuid4().hex[:8]}", "Kaal", [
        ("payload.answer:bool", "false"), ("payload.points:float", ""),
        ("payload.feedback_true", ""), ("payload.feedback_false", "")]))
    response = client.post("/author/items/new?type=true_false", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_outcomes_keep_their_order(client, auth, db_session):
    auth.login("trainer")
    uid = f"test-editor-order-{uuid.uuid4().hex[:8]}"
    fields = MultiDict(_new_item_fields(uid, "Twee leerresultaten", [
        ("payload.answer:bool", "true"), ("payload.points:float", "1"),
        ("payload.feedback_true", ""), ("payload.feedback_false", "")]))
    fields.setlist("outcomes:list", ["ESQF-E-18f", "ESQF-E-4f"])
    assert client.post("/author/items/new?type=true_false", data=fields).status_code == 302
    html = client.get(f"/author/items/{uid}/edit").get_data(as_text=True)
    again = form_fields(html)
    assert again.getlist("outcomes:list") == ["ESQF-E-18f", "ESQF-E-4f"]
    again["action"] = "save"
    client.post(f"/author/items/{uid}/edit", data=again)
    db_session.expire_all()
    item = db_session.scalar(select(Item).where(Item.uid == uid))
    assert [e.action for e in item.events] == ["created"]


# -- creating an item of each standard type through the form ----------------------------------

SOURCE = "002_330932c70e0adbd3.txt"


def _new_item_fields(uid: str, title: str, payload: list[tuple[str, str]]) -> list:
    return [
        ("id", uid), ("title", title), ("language", "nl"),
        ("stem", "Lees de vraag aandachtig.\n\nBeantwoord ze volgens het Handvest van het "
                 "persoonlijk onderhoud."),
        ("outcomes:list", "ESQF-E-18e"), ("eqf_level:int", "6"),
        ("source.document:opt", SOURCE), ("source.lines.0:int", "149"),
        ("source.lines.1:int", "152"), ("source.note:opt", "beginsel 3"),
        ("tags:csv", "handvest, editor-test"),
        ("feedback", "Zie het Handvest van het persoonlijk onderhoud."),
        *payload, ("translations_yaml:yaml", ""), ("action", "save")]


NEW_ITEMS = {
    "true_false": (
        [("payload.answer:bool", "false"), ("payload.points:float", "2"),
         ("payload.feedback_true", "Onjuist: de naam van de tolk wordt niet vermeld."),
         ("payload.feedback_false", "Juist: alleen de rol van de tolk wordt toegelicht.")],
        {"answer": False, "points": 2.0,
         "feedback_true": "Onjuist: de naam van de tolk wordt niet vermeld.",
         "feedback_false": "Juist: alleen de rol van de tolk wordt toegelicht."}),
    "short_text": (
        [("payload.points:float", "1,5"), ("payload.max_length:int", "40"),
         ("payload.answers.0.match:opt", ""), ("payload.answers.0.text", "de tolk"),
         ("payload.answers.0.score:float", ""),
         ("payload.answers.0.feedback", "Juist: de tolk knoopt geen gesprek aan."),
         ("payload.answers.1.match:opt", "regex"), ("payload.answers.1.text", "(de )?vertaler"),
         ("payload.answers.1.score:float", "50"),
         ("payload.answers.1.feedback", "Bijna: het Handvest spreekt van de tolk."),
         ("payload.answers.2.match:opt", "exact"), ("payload.answers.2.text", "TOLK"),
         ("payload.answers.2.score:float", "100"), ("payload.answers.2.feedback", ""),
         # the blank row the form offers
         ("payload.answers.3.match:opt", ""), ("payload.answers.3.text", ""),
         ("payload.answers.3.score:float", ""), ("payload.answers.3.feedback", "")],
        {"points": 1.5, "max_length": 40, "answers": [
            {"text": "de tolk", "match": "case_insensitive", "score": 100.0,
             "feedback": "Juist: de tolk knoopt geen gesprek aan."},
            {"text": "(de )?vertaler", "match": "regex", "score": 50.0,
             "feedback": "Bijna: het Handvest spreekt van de tolk."},
            {"text": "TOLK", "match": "exact", "score": 100.0, "feedback": ""}]}),
    "numeric": (
        [("payload.answer:float", "4,5"), ("payload.tolerance:float", "10"),
         ("payload.tolerance_mode", "relative"), ("payload.unit", "uur"),
         ("payload.points:float", "3"),
         ("payload.feedback", "Vier uur, uitzonderlijk verlengd met een half uur.")],
        {"answer": 4.5, "tolerance": 10.0, "tolerance_mode": "relative", "unit": "uur",
         "points": 3.0, "feedback": "Vier uur, uitzonderlijk verlengd met een half uur."}),
    "ordering": (
        [("payload.scoring", "partial"), ("payload.points:float", "4"),
         ("payload.elements.0.id", "voorstellen"),
         ("payload.elements.0.text", "De protection officer stelt de aanwezigen voor."),
         ("payload.elements.1.id", "tolk"),
         ("payload.elements.1.text", "Hij gaat na of de verzoeker de tolk begrijpt."),
         ("payload.elements.2.id", "procedure"),
         ("payload.elements.2.text", "Hij legt de procedure uit."),
         ("payload.elements.3.id", ""), ("payload.elements.3.text", "")],
        {"scoring": "partial", "points": 4.0, "elements": [
            {"id": "voorstellen", "text": "De protection officer stelt de aanwezigen voor."},
            {"id": "tolk", "text": "Hij gaat na of de verzoeker de tolk begrijpt."},
            {"id": "procedure", "text": "Hij legt de procedure uit."}]}),
    "matching": (
        [("payload.scoring", "all_or_nothing"), ("payload.points:float", "2"),
         ("payload.premises.0.id", "a"), ("payload.premises.0.text", "Beginsel 3"),
         ("payload.premises.0.match", "opening"),
         ("payload.premises.0.feedback", "Beginsel 3 gaat over de opening."),
         ("payload.premises.1.id", "b"), ("payload.premises.1.text", "Beginsel 11"),
         ("payload.premises.1.match", "pauze"), ("payload.premises.1.feedback", ""),
         ("payload.premises.2.id", ""), ("payload.premises.2.text", ""),
         ("payload.premises.2.match", ""), ("payload.premises.2.feedback", ""),
         ("payload.responses.0.id", "opening"),
         ("payload.responses.0.text", "De opening van het onderhoud"),
         ("payload.responses.1.id", "pauze"), ("payload.responses.1.text", "Pauzes"),
         ("payload.responses.2.id", "beroep"),
         ("payload.responses.2.text", "De beroepsprocedure"),
         ("payload.responses.3.id", ""), ("payload.responses.3.text", "")],
        {"scoring": "all_or_nothing", "points": 2.0, "premises": [
            {"id": "a", "text": "Beginsel 3", "match": "opening",
             "feedback": "Beginsel 3 gaat over de opening."},
            {"id": "b", "text": "Beginsel 11", "match": "pauze", "feedback": ""}],
         "responses": [{"id": "opening", "text": "De opening van het onderhoud"},
                       {"id": "pauze", "text": "Pauzes"},
                       {"id": "beroep", "text": "De beroepsprocedure"}]}),
    "hotspot_text": (
        [("payload.scoring", "all_or_nothing"), ("payload.points:float", "2"),
         ("payload.lines.0.id", "r1"), ("payload.lines.0.speaker", "PO"),
         ("payload.lines.0.hotspot:bool", "false"),
         ("payload.lines.0.text", "Waar woonde u voor uw vertrek?"),
         ("payload.lines.0.feedback", ""),
         ("payload.lines.1.id", "r2"), ("payload.lines.1.speaker", "PO"),
         ("payload.lines.1.hotspot:bool", "false"), ("payload.lines.1.hotspot:bool", "true"),
         ("payload.lines.1.text", "U werd toch ook opgepakt, nietwaar?"),
         ("payload.lines.1.feedback", "Een suggestieve vraag (beginsel 8)."),
         ("payload.lines.2.id", ""), ("payload.lines.2.speaker", ""),
         ("payload.lines.2.hotspot:bool", "false"), ("payload.lines.2.text", ""),
         ("payload.lines.2.feedback", "")],
        {"scoring": "all_or_nothing", "points": 2.0, "lines": [
            {"id": "r1", "speaker": "PO", "text": "Waar woonde u voor uw vertrek?",
             "hotspot": False, "feedback": ""},
            {"id": "r2", "speaker": "PO", "text": "U werd toch ook opgepakt, nietwaar?",
             "hotspot": True, "feedback": "Een suggestieve vraag (beginsel 8)."}]}),
}


def _shape(name: str) -> str:
    """A field name with its row indexes (or the template's placeholders) as ``#``."""
    return re.sub(r"\.(\d+|__\w+__)(?=\.|:|$)", ".#", name)


@pytest.mark.parametrize("name", sorted(NEW_ITEMS))
def test_a_trainer_creates_an_item_through_the_form(name, app, client, auth, db_session):
    posted, expected = NEW_ITEMS[name]
    auth.login("trainer")
    empty = client.get(f"/author/items/new?type={name}")
    assert empty.status_code == 200
    offered = {_shape(n) for n in control_names(empty.get_data(as_text=True))}
    fields = _new_item_fields(f"test-editor-{name.replace('_', '-')}-{uuid.uuid4().hex[:8]}",
                              f"Editortest {name}", posted)
    missing = {_shape(n) for n, _v in fields if n != "action"} - offered
    assert not missing, f"the form has no fields named {sorted(missing)}"
    uid = fields[0][1]

    response = client.post(f"/author/items/new?type={name}", data=MultiDict(fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/author/items/{uid}")
    db_session.expire_all()
    item = db_session.scalar(select(Item).where(Item.uid == uid))
    version = item.working_version
    assert (version.type, version.status, version.payload) == (name, "draft", expected)
    assert (version.title, version.outcomes, version.eqf_level, version.tags, version.source) \
        == (f"Editortest {name}", ["ESQF-E-18e"], 6, ["handvest", "editor-test"],
            {"document": SOURCE, "lines": [149, 152], "note": "beginsel 3"})

    page = client.get(f"/author/items/{uid}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = as_nested(form_fields(html))
    qtype = _qtype(app, name)
    assert qtype.validate_payload(qtype.from_author_form(data["payload"])) == expected
    for value in _texts(expected):
        assert _escaped(value) in html, value


def _texts(value):
    """The texts a trainer typed in ``value`` (not the values of selects)."""
    if isinstance(value, dict):
        for key, v in value.items():
            if key not in ("match", "scoring", "tolerance_mode"):
                yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, str) and len(value) > 3:
        yield value


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
