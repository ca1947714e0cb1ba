"""QTI 3.0 export and import (plugins/qti): round trips of every question type of
docs/question-types.md, the QTI constructs used, and the hardening of the importer."""

from __future__ import annotations

import copy
import datetime
import io
import json
import zipfile
from xml.etree import ElementTree as ET

import pytest
import yaml

from engine.config import ROOT
from engine.services.bank_files import Problem
from plugins.qti import (
    MAX_PACKAGE_BYTES,
    MAX_XML_BYTES,
    QTI_NS,
    QtiError,
    export_package,
    import_package,
    item_to_xml,
    xml_to_item,
)

DATA = ROOT / "tests" / "data" / "qti"
NS = {"qti": QTI_NS}
CP = "{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1}"
SOURCE = {"document": "002_330932c70e0adbd3.txt", "lines": [149, 152]}
RUBRIC = {"criteria": [{"id": "belangen", "title": "Weegt de belangen van de verzoeker",
                        "levels": [
                            {"id": 0, "label": "Onvoldoende", "points": 0,
                             "description": "Noemt de belangen van de verzoeker niet."},
                            {"id": 1, "label": "Voldoende", "points": 1,
                             "description": "Noemt de belangen, maar weegt ze niet af."},
                            {"id": 2, "label": "Goed", "points": 2,
                             "description": "Weegt de belangen expliciet en onderbouwd af."}]}]}


def _bank_items() -> list[dict]:
    path = ROOT / "item_bank" / "items" / "persoonlijk-onderhoud-basis.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


def _item(uid, qtype, payload, **extra):
    item = {"id": uid, "type": qtype, "language": "nl", "title": extra.pop("title"),
            "outcomes": extra.pop("outcomes", ["ESQF-E-18e"]), "eqf_level": 6,
            "stem": extra.pop("stem"), "payload": payload}
    item.update(extra)
    return item


CHOICE = _item("2025-po-keuze", "choice", {
    "multiple": True, "scoring": "partial", "shuffle": False, "points": 2.0,
    "options": [
        {"id": "1", "text": "De tolk vertaalt in de eerste persoon.", "correct": True,
         "feedback": "Juist: zo blijft duidelijk wie spreekt."},
        {"id": "2", "text": "De tolk vat lange antwoorden samen.", "correct": False,
         "feedback": "Onjuist: de tolk vertaalt alles, zonder samen te vatten."},
        {"id": "_3", "text": "De tolk geeft geen eigen mening.", "correct": True,
         "feedback": ""},
        {"id": "ID_4", "text": "De tolk stelt zelf verduidelijkende vragen.",
         "correct": False}]},
    title="Afspraken met de tolk", outcomes=["ESQF-E-4b", "ESQF-E-18e"],
    stem="Welke afspraken maakt u **vooraf** met de tolk?\n\n- Kies alle juiste antwoorden.\n",
    source=SOURCE, feedback="Zie beginsel 4 van het Handvest.", tags=["tolk", "opening"])

TRUE_FALSE = _item("po-juistonjuist-001", "true_false", {
    "answer": False, "points": 1,
    "feedback_true": "Onjuist. De naam van de tolk wordt niet vermeld (beginsel 3).",
    "feedback_false": "Juist. U licht de rol van de tolk toe, zonder zijn naam."},
    title="De naam van de tolk",
    stem="Bij de opening stelt de protection officer de tolk met naam en rol voor.\n\n"
         "Is deze bewering juist?",
    source=SOURCE, feedback="", tags=[])

SHORT_TEXT = _item("po-kort-001", "short_text", {
    "points": 1, "max_length": 200,
    "answers": [
        {"text": "tolk", "match": "case_insensitive", "score": 100,
         "feedback": "Juist, de tolk."},
        {"text": "^tolk(en)?$", "match": "regex", "score": 100},
        {"text": "vertaler", "match": "exact", "score": 50,
         "feedback": "Bijna: in het onderhoud spreken we van de *tolk*."},
        {"text": "Tolk ", "match": "exact", "score": 25.5}]},
    title="Wie vertaalt?",
    stem="Wie vertaalt tijdens het persoonlijk onderhoud wat de verzoeker zegt? "
         "Antwoord met één woord.")

NUMERIC = _item("po-getal-001", "numeric", {
    "answer": 15, "tolerance": 0, "tolerance_mode": "absolute", "unit": "minuten",
    "points": 1, "feedback": "Na ongeveer anderhalf uur stelt u een pauze van 15 minuten voor."},
    title="Duur van de pauze",
    stem="Hoeveel minuten duurt de pauze die u na anderhalf uur onderhoud voorstelt?")

NUMERIC_RELATIVE = _item("po-getal-002", "numeric", {
    "answer": 2.5, "tolerance": 10, "tolerance_mode": "relative", "points": 0.5},
    title="Duur van het onderhoud", stem="Hoeveel uur duurt een gemiddeld onderhoud?")

ORDERING = _item("po-volgorde-001", "ordering", {
    "scoring": "partial", "points": 3,
    "elements": [
        {"id": "s1", "text": "U stelt uzelf en de aanwezigen voor."},
        {"id": "s2", "text": "U legt doel en verloop van het onderhoud uit."},
        {"id": "s3", "text": "U laat de verzoeker vrij zijn relaas doen."},
        {"id": "s4", "text": "U stelt gerichte vragen over de onduidelijkheden."},
        {"id": "s5", "text": "U geeft de advocaat de kans opmerkingen te maken."}]},
    title="Verloop van het onderhoud",
    stem="Zet de fasen van het persoonlijk onderhoud in de juiste volgorde.")

MATCHING = _item("po-koppel-001", "matching", {
    "scoring": "all_or_nothing", "points": 2,
    "premises": [
        {"id": "p1", "text": "Protection officer", "match": "r2"},
        {"id": "p2", "text": "Tolk", "match": "r1"},
        {"id": "p3", "text": "Advocaat", "match": "r3"}],
    "responses": [
        {"id": "r1", "text": "Vertaalt alles wat gezegd wordt, in de eerste persoon."},
        {"id": "r2", "text": "Leidt het onderhoud en stelt de vragen."},
        {"id": "r3", "text": "Maakt opmerkingen aan het einde van het onderhoud."},
        {"id": "r4", "text": "Beslist ter plaatse over het verzoek."}]},
    title="Rollen tijdens het onderhoud", stem="Koppel elke rol aan de juiste taak.")

HOTSPOT = _item("po-transcript-001", "hotspot_text", {
    "scoring": "partial", "points": 2,
    "lines": [
        {"id": "l1", "speaker": "PO", "text": "Kunt u vertellen waarom u uw land verliet?"},
        {"id": "l2", "speaker": "V", "text": "Ik werd bedreigd door de militie."},
        {"id": "l3", "speaker": "PO", "text": "U werd dus door het leger opgepakt, nietwaar?",
         "hotspot": True, "feedback": "Suggestieve vraag (beginsel 8)."},
        {"id": "l4", "speaker": "T", "text": "Hij zegt dat het gewoon ruzie was.",
         "hotspot": True, "feedback": "De tolk vat samen in plaats van te vertalen."},
        {"id": "l5", "speaker": "PO", "text": "Wat gebeurde er daarna?", "hotspot": False}]},
    title="Fouten in het transcript",
    stem="Markeer de regels die een beginsel van het Handvest schenden.")

INTERVIEW = _item("po-scenario-001", "interview_scenario", {
    "start": "s1", "points": 10,
    "steps": [
        {"id": "s1", "situation": "De verzoeker komt binnen met zijn **advocaat**. "
                                  "De tolk zit al klaar.",
         "choices": [
             {"id": "c1", "text": "U stelt uzelf en de aanwezigen voor.", "weight": 100,
              "feedback": "Goed begin.", "principle": "Beginsel 3: de opening",
              "source": {"document": "002_330932c70e0adbd3.txt", "lines": [149, 152]},
              "next": "s2"},
             {"id": "c2", "text": "U begint meteen met de vragen.", "weight": 0,
              "feedback": "De verzoeker weet niet wie wie is.",
              "principle": "Beginsel 3: de opening", "next": "s2"}]},
        {"id": "s2", "situation": "De verzoeker vraagt of de ambassade dit te weten komt.",
         "choices": [
             {"id": "c3", "text": "U legt de vertrouwelijkheid uit.", "weight": 100,
              "feedback": "Juist.", "principle": "Beginsel 3", "next": None},
             {"id": "c4", "text": "U zegt dat u dat niet kunt garanderen.", "weight": 20,
              "feedback": "Onjuist.", "principle": "Beginsel 3"}]}]},
    title="Een onderhoud openen", stem="Doorloop de opening van een persoonlijk onderhoud.")

COI = _item("coi-oefening-001", "coi_exercise", {
    "case": "De verzoeker verklaart dat hij in **2024** door de militie in zijn dorp werd "
            "bedreigd.",
    "sources": [
        {"id": "src1", "title": "Veiligheidssituatie in de regio", "publisher": "EUAA",
         "date": datetime.date(2025, 3, 1), "text": "De militie controleert sinds 2023 ...",
         "written_for_exercise": True},
        {"id": "src2", "title": "Blogbericht", "publisher": "Onbekend",
         "date": "2019-06-12", "text": "Alles is rustig.",
         "written_for_exercise": True}],
    "relevant_sources": ["src1"],
    "statements": [
        {"id": "st1", "text": "De militie is actief in de regio.", "verdict": "corroborated",
         "source": "src1"},
        {"id": "st2", "text": "De militie rekruteert kinderen.", "verdict": "not_addressed"}],
    "confrontation": {"prompt": "Schrijf een niet-suggestieve vraag om de verzoeker met "
                                "src1 te confronteren.", "rubric": RUBRIC},
    "points": {"sources": 2, "statement": 1}},
    title="Herkomstlandeninformatie toetsen", outcomes=["ESQF-E-21f"],
    stem="Lees de zaak en de bronnen en beoordeel de verklaringen.")

ETHICS = _item("ethiek-001", "ethics_dilemma", {
    "options": [
        {"id": "a", "text": "U meldt het aan uw teamleider.", "weight": 100,
         "feedback": "Transparant en binnen de regels."},
        {"id": "b", "text": "U doet niets.", "weight": 0,
         "feedback": "Dit schaadt het vertrouwen."}],
    "axes": ["task_people"], "points": 4,
    "justification": {"prompt": "Leg uw keuze uit.", "min_words": 30, "rubric": RUBRIC}},
    title="Een geschenk van een verzoeker", outcomes=["ESQF-E-7f"],
    stem="Een verzoeker biedt u na het onderhoud een geschenk aan. Wat doet u?")

#: one realistic sample (or more) for every type of docs/question-types.md
SAMPLES = {"choice": CHOICE, "true_false": TRUE_FALSE, "short_text": SHORT_TEXT,
           "numeric": NUMERIC, "numeric_relative": NUMERIC_RELATIVE, "ordering": ORDERING,
           "matching": MATCHING, "hotspot_text": HOTSPOT, "interview_scenario": INTERVIEW,
           "coi_exercise": COI, "ethics_dilemma": ETHICS}
INTERACTIONS = {"choice": "qti-choice-interaction", "true_false": "qti-choice-interaction",
                "short_text": "qti-text-entry-interaction",
                "numeric": "qti-text-entry-interaction",
                "numeric_relative": "qti-text-entry-interaction",
                "ordering": "qti-order-interaction", "matching": "qti-match-interaction",
                "hotspot_text": "qti-hottext-interaction",
                "interview_scenario": "qti-custom-interaction",
                "coi_exercise": "qti-custom-interaction",
                "ethics_dilemma": "qti-custom-interaction"}


def _tree(item: dict) -> ET.Element:
    return ET.fromstring(item_to_xml(item).encode())


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


# -- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_type_survives_a_round_trip(name):
    item = SAMPLES[name]
    original = copy.deepcopy(item)
    assert xml_to_item(item_to_xml(item)) == item
    assert item == original, "export must not change the item"


@pytest.mark.parametrize("item", _bank_items(), ids=lambda i: i["id"])
def test_bank_items_survive_a_round_trip(item):
    assert xml_to_item(item_to_xml(item), filename="x.xml") == item


def test_a_package_gives_back_equal_items():
    items = list(SAMPLES.values()) + _bank_items()
    assert import_package(export_package(items)) == (items, [])


def test_absent_defaults_stay_absent_and_unknown_keys_travel():
    minimal = [
        _item("min-keuze", "choice", {"options": [{"id": "a", "text": "Ja", "correct": True},
                                                  {"id": "b", "text": "Nee"}]},
              title="Minimaal", stem="Kies."),
        _item("min-kort", "short_text", {"answers": [{"text": "tolk"}]},
              title="Minimaal", stem="Wie?"),
        _item("min-getal", "numeric", {"answer": 3}, title="Minimaal", stem="Hoeveel?"),
        _item("min-volgorde", "ordering", {"elements": [{"id": "a", "text": "A"},
                                                        {"id": "b", "text": "B"}]},
              title="Minimaal", stem="Orden."),
        _item("min-koppel", "matching", {"premises": [{"id": "p", "text": "P"}],
                                         "responses": [{"id": "r", "text": "R"}]},
              title="Minimaal", stem="Koppel."),
        _item("min-transcript", "hotspot_text", {"lines": [{"id": "l1", "text": "Hallo"}]},
              title="Minimaal", stem="Markeer."),
        _item("min-juist", "true_false", {"answer": True, "toekomstig_veld": [1, 2]},
              title="Minimaal", stem="Juist?"),
        _item("extra-keuze", "choice", {
            "options": [{"id": "a", "text": "Ja", "correct": True, "afbeelding": "a.png"},
                        {"id": "b", "text": "Nee", "correct": False}],
            "weergave": {"kolommen": 2}}, title="Extra velden", stem="Kies."),
    ]
    minimal.append({"id": "kaal", "type": "choice", "title": "Alleen het nodige",
                    "stem": "Kies.", "payload": minimal[0]["payload"]})
    for item in minimal:
        assert xml_to_item(item_to_xml(item)) == item
    assert import_package(export_package(minimal)) == (minimal, [])


def test_export_is_deterministic():
    items = list(SAMPLES.values())
    assert export_package(items) == export_package(copy.deepcopy(items))


# -- the QTI constructs ------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_exported_xml_is_qti_3_with_the_expected_interaction(name):
    root = _tree(SAMPLES[name])
    assert root.tag == f"{{{QTI_NS}}}qti-assessment-item"
    assert root.get("identifier") and root.get("title") == SAMPLES[name]["title"]
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    children = [child.tag.split("}")[1] for child in root]
    assert children[0] == "qti-response-declaration"
    assert "qti-item-body" in children
    assert all(node.tag.startswith(f"{{{QTI_NS}}}") for node in root.iter())
    body = root.find("qti:qti-item-body", NS)
    interactions = [c.tag.split("}")[1] for c in body.iter() if c.tag.endswith("-interaction")]
    assert interactions == [INTERACTIONS[name]]
    assert json.loads(body.get("data-oe-outcomes")) == SAMPLES[name]["outcomes"]
    assert body.get("data-oe-eqf-level") == "6"
    assert body.get("data-oe-type") == SAMPLES[name]["type"]


def test_choice_uses_correct_response_mapping_and_templates():
    root = _tree(CHOICE)
    decl = root.find("qti:qti-response-declaration", NS)
    assert (decl.get("cardinality"), decl.get("base-type")) == ("multiple", "identifier")
    assert [v.text for v in decl.iterfind("qti:qti-correct-response/qti:qti-value", NS)] == \
        ["ID_1", "ID__3"]
    mapping = decl.find("qti:qti-mapping", NS)
    assert (mapping.get("lower-bound"), mapping.get("upper-bound")) == ("0", "2.0")
    assert {e.get("map-key"): float(e.get("mapped-value"))
            for e in mapping.iterfind("qti:qti-map-entry", NS)} == \
        {"ID_1": 1.0, "ID__3": 1.0, "ID_2": -1.0, "ID_ID_4": -1.0}
    assert root.find("qti:qti-response-processing", NS).get("template") == \
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"
    interaction = root.find(".//qti:qti-choice-interaction", NS)
    assert (interaction.get("max-choices"), interaction.get("shuffle")) == ("0", "false")
    feedback = interaction.find("qti:qti-simple-choice/qti:qti-feedback-inline", NS)
    assert feedback.text == "Juist: zo blijft duidelijk wie spreekt."
    assert root.find("qti:qti-modal-feedback", NS).get("identifier") == "oe.general"

    single = _tree(_bank_items()[0])
    assert single.find(".//qti:qti-choice-interaction", NS).get("max-choices") == "1"
    assert single.find("qti:qti-response-processing", NS).get("template") == \
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"
    assert single.find("qti:qti-response-declaration/qti:qti-mapping", NS) is None


def test_item_identifiers_are_valid_and_restored():
    root = _tree(CHOICE)
    assert root.get("identifier") == "ID_2025-po-keuze"
    assert xml_to_item(item_to_xml(CHOICE))["id"] == "2025-po-keuze"
    with zipfile.ZipFile(io.BytesIO(export_package([CHOICE]))) as zf:
        assert "items/ID_2025-po-keuze.xml" in zf.namelist()


def test_true_false_is_a_marked_two_choice_interaction():
    interaction = _tree(TRUE_FALSE).find(".//qti:qti-choice-interaction", NS)
    assert interaction.get("class") == "oe-true-false"
    assert [c.get("identifier") for c in interaction] == ["TRUE", "FALSE"]
    assert [c.text for c in interaction] == ["Juist", "Onjuist"]


def test_short_text_maps_answers_and_matches_regex_with_pattern_match():
    root = _tree(SHORT_TEXT)
    assert root.find("qti:qti-response-declaration", NS).get("base-type") == "string"
    entries = root.findall(".//qti:qti-mapping/qti:qti-map-entry", NS)
    assert [(e.get("map-key"), e.get("case-sensitive"), float(e.get("mapped-value")))
            for e in entries] == [("tolk", "false", 1.0), ("vertaler", "true", 0.5),
                                  ("Tolk ", "true", 0.255)]
    pattern = root.find(".//qti:qti-pattern-match", NS)
    assert pattern.get("pattern") == "^tolk(en)?$"
    assert root.find(".//qti:qti-text-entry-interaction", NS).get("expected-length") == "200"


def test_numeric_uses_float_and_equal_with_tolerance():
    root = _tree(NUMERIC_RELATIVE)
    assert root.find("qti:qti-response-declaration", NS).get("base-type") == "float"
    equal = root.find(".//qti:qti-equal", NS)
    assert (equal.get("tolerance-mode"), equal.get("tolerance")) == ("relative", "10")
    unit = _tree(NUMERIC).find(".//qti:span[@class='oe-unit']", NS)
    assert unit.text == "minuten"


def test_ordering_matching_and_hotspot_constructs():
    order = _tree(ORDERING)
    decl = order.find("qti:qti-response-declaration", NS)
    assert decl.get("cardinality") == "ordered"
    assert [v.text for v in decl.iterfind(".//qti:qti-value", NS)] == \
        ["s1", "s2", "s3", "s4", "s5"]
    assert order.find(".//qti:qti-order-interaction", NS).get("shuffle") == "true"

    match = _tree(MATCHING)
    decl = match.find("qti:qti-response-declaration", NS)
    assert decl.get("base-type") == "directedPair"
    assert [v.text for v in decl.iterfind(".//qti:qti-value", NS)] == \
        ["p1 r2", "p2 r1", "p3 r3"]
    sets = match.findall(".//qti:qti-simple-match-set", NS)
    assert [len(s) for s in sets] == [3, 4]

    hot = _tree(HOTSPOT)
    assert [h.get("identifier") for h in hot.iterfind(".//qti:qti-hottext", NS)] == \
        ["l1", "l2", "l3", "l4", "l5"]
    assert [v.text for v in hot.iterfind(".//qti:qti-correct-response/qti:qti-value", NS)] == \
        ["l3", "l4"]


def test_domain_types_carry_their_payload_as_json():
    interaction = _tree(COI).find(".//qti:qti-custom-interaction", NS)
    assert interaction.get("class") == "oe-coi_exercise"
    state = json.loads(interaction.get("data-oe-payload"))
    assert [s["date"] for s in state["sources"]] == [{"$date": "2025-03-01"}, "2019-06-12"]
    assert xml_to_item(item_to_xml(COI))["payload"]["sources"][0]["date"] == \
        datetime.date(2025, 3, 1)


def test_stem_is_readable_xhtml_with_the_markdown_source():
    stem = _tree(CHOICE).find("qti:qti-item-body/qti:div[@class='oe-stem']", NS)
    assert stem.get("data-oe-markdown") == CHOICE["stem"]
    assert stem.find("qti:p/qti:strong", NS).text == "vooraf"
    assert stem.find("qti:ul/qti:li", NS) is not None


def test_the_manifest_lists_one_qti_item_resource_per_item():
    items = [CHOICE, TRUE_FALSE, COI]
    with zipfile.ZipFile(io.BytesIO(export_package(items))) as zf:
        names = zf.namelist()
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
    assert names == ["imsmanifest.xml", "items/ID_2025-po-keuze.xml",
                     "items/po-juistonjuist-001.xml", "items/coi-oefening-001.xml"]
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert [(r.get("type"), r.get("href")) for r in resources] == \
        [("imsqti_item_xmlv3p0", name) for name in names[1:]]
    assert [r.find(f"{CP}file").get("href") for r in resources] == names[1:]


def test_export_names_the_item_and_field_it_cannot_write():
    with pytest.raises(QtiError, match="item 'po-kort-001': field 'payload.answers.0.match'"):
        item_to_xml({**SHORT_TEXT, "payload": {"answers": [{"text": "x", "match": "soms"}]}})
    with pytest.raises(QtiError, match="cannot be a QTI identifier"):
        item_to_xml({**MATCHING, "id": "kapot item"})
    with pytest.raises(QtiError, match="same item id twice"):
        export_package([TRUE_FALSE, TRUE_FALSE])


# -- import of other tools' items ---------------------------------------------------------

def test_an_item_from_another_tool_is_read_from_the_standard_constructs():
    item = xml_to_item((DATA / "foreign-choice.xml").read_bytes())
    assert item == {
        "id": "TOLK-17", "type": "choice", "language": "nl", "title": "De rol van de tolk",
        "stem": "De tolk vat een lang antwoord van de verzoeker samen in twee zinnen.\n\n"
                "Wat doet u?",
        "payload": {"multiple": False, "scoring": "all_or_nothing", "shuffle": False,
                    "points": 1, "options": [
                        {"id": "A", "text": "Niets: een samenvatting volstaat voor het verslag.",
                         "correct": False},
                        {"id": "B", "text": "U vraagt de tolk alles te vertalen, in de eerste "
                                            "persoon.", "correct": True, "feedback": "Juist."}]}}


def test_a_qti_2_item_is_refused_with_a_clear_message():
    with pytest.raises(QtiError, match="QTI 2.x item"):
        xml_to_item((DATA / "qti2-item.xml").read_bytes(), filename="qti2-item.xml")


# -- hardening --------------------------------------------------------------------------

@pytest.mark.parametrize("fixture", ["external-entity.xml", "billion-laughs.xml"])
def test_dtds_and_entities_are_refused(fixture):
    data = (DATA / fixture).read_bytes()
    with pytest.raises(QtiError) as exc:
        xml_to_item(data, filename=f"items/{fixture}")
    assert str(exc.value) == f"items/{fixture}: external entities and DTDs are not allowed"
    assert isinstance(exc.value, ValueError)
    items, problems = import_package(_zip({f"items/{fixture}": data}))
    assert items == []
    assert problems == [Problem(f"items/{fixture}", "external entities and DTDs are not allowed")]


def test_a_zip_slip_path_refuses_the_package():
    good = item_to_xml(TRUE_FALSE).encode()
    items, problems = import_package(_zip({"items/a.xml": good, "../evil.xml": good}),
                                     filename="upload.zip")
    assert items == []
    assert len(problems) == 1 and problems[0].file == "upload.zip"
    assert "'../evil.xml'" in problems[0].message and "'..'" in problems[0].message


def test_an_absolute_member_path_refuses_the_package():
    items, problems = import_package(_zip({"/etc/cron.d/evil.xml": b"<x/>"}))
    assert items == [] and "absolute path" in problems[0].message


def test_a_manifest_href_outside_the_package_is_refused():
    manifest = (b'<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1">'
                b'<resources><resource identifier="x" type="imsqti_item_xmlv3p0" '
                b'href="../../x.xml"/></resources></manifest>')
    items, problems = import_package(_zip({"imsmanifest.xml": manifest}))
    assert items == [] and "'..'" in problems[0].message


def test_too_many_members_refuse_the_package():
    members = {f"media/{i}.txt": b"" for i in range(5001)}
    items, problems = import_package(_zip(members))
    assert items == [] and "5,001 files; at most 5,000" in problems[0].message


def test_oversized_files_and_packages_are_refused():
    big = b"<x>" + b"a" * MAX_XML_BYTES + b"</x>"
    with pytest.raises(QtiError, match="an XML file may have at most 2,097,152"):
        xml_to_item(big, filename="groot.xml")
    good = item_to_xml(TRUE_FALSE).encode()
    items, problems = import_package(_zip({"items/groot.xml": big, "items/goed.xml": good}))
    assert items == [TRUE_FALSE]
    assert [p.file for p in problems] == ["items/groot.xml"]
    assert "at most 2,097,152" in problems[0].message

    items, problems = import_package(b"PK" + bytes(MAX_PACKAGE_BYTES))
    assert items == [] and "at most 52,428,800 are accepted" in problems[0].message


def test_a_malformed_item_is_a_problem_and_the_others_still_import():
    broken = (DATA / "missing-response-declaration.xml").read_bytes()
    package = export_package([TRUE_FALSE, NUMERIC])
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    manifest = members["imsmanifest.xml"].decode().replace(
        "</resources>", '<resource identifier="kapot" type="imsqti_item_xmlv3p0" '
        'href="items/kapot.xml"><file href="items/kapot.xml"/></resource>'
        '<resource identifier="weg" type="imsqti_item_xmlv3p0" href="items/weg.xml"/>'
        "</resources>")
    members.update({"imsmanifest.xml": manifest.encode(), "items/kapot.xml": broken,
                    "items/lelijk.xml": b"<qti-assessment-item"})
    items, problems = import_package(_zip(members))
    assert items == [TRUE_FALSE, NUMERIC]
    assert problems[0] == Problem(
        "items/kapot.xml", "The interaction's response 'RESPONSE' has no "
        "qti-response-declaration.", item="po-kapot-001", field="qti-response-declaration")
    assert "items/kapot.xml: item 'po-kapot-001'" in str(problems[0])
    assert problems[1] == Problem("items/weg.xml",
                                  "Listed in imsmanifest.xml but not in the package.")
    assert len(problems) == 2, "members the manifest does not list are not read"


def test_without_a_manifest_every_xml_member_is_read():
    members = {"a.xml": item_to_xml(TRUE_FALSE).encode(), "b.xml": b"<niet-af",
               "plaatje.png": b"\x89PNG"}
    items, problems = import_package(_zip(members))
    assert items == [TRUE_FALSE]
    assert [(p.file, p.message.split(":")[0]) for p in problems] == \
        [("b.xml", "Not well-formed XML")]


def test_a_single_item_document_and_garbage_are_imported_without_raising():
    assert import_package(item_to_xml(HOTSPOT).encode(), filename="h.xml") == ([HOTSPOT], [])
    items, problems = import_package(b"PK\x03\x04 geen zip", filename="kapot.zip")
    assert items == [] and problems[0].file == "kapot.zip"
    assert "Not a readable zip file" in problems[0].message
    items, problems = import_package(item_to_xml(TRUE_FALSE).encode() * 2)
    assert items == [] and "Not well-formed XML" in problems[0].message
    assert import_package(export_package([]), filename="leeg.zip") == \
        ([], [Problem("leeg.zip", "The package holds no QTI items.")])


def test_hostile_attribute_values_are_problems_not_crashes():
    xml = item_to_xml(ETHICS)
    start = xml.index('data-oe-payload="') + len('data-oe-payload="')
    end = xml.index('"', start)
    deep = xml[:start] + "[" * 100_000 + "]" * 100_000 + xml[end:]
    items, problems = import_package(deep.encode(), filename="diep.xml")
    assert items == [] and problems[0].item == "ethiek-001"
    assert "nested too deeply" in problems[0].message
    bad = xml.replace('data-oe-eqf-level="6"', 'data-oe-eqf-level="zes"')
    with pytest.raises(QtiError, match="diep.xml: item 'ethiek-001': Cannot be read"):
        xml_to_item(bad, filename="diep.xml")


def test_duplicate_ids_in_a_package_are_a_problem():
    xml = item_to_xml(TRUE_FALSE).encode()
    items, problems = import_package(_zip({"a.xml": xml, "b.xml": xml}))
    assert items == [TRUE_FALSE]
    assert problems == [Problem("b.xml", "Duplicate item id; also in a.xml.",
                                item=TRUE_FALSE["id"], field="identifier")]
