"""The Moodle XML exchange format: the hand-written sample, refusing unsafe or foreign XML,
problems that name the question and field, HTML to Markdown, and writing items back.

Pure: no app, no database; every item read is checked with its question type's own payload
schema and the bank's item schema.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.domain.exchange import ImportDefaults
from plugins.moodle_xml import MoodleXmlFormat
from plugins.moodle_xml.text import html_to_markdown, markdown_to_html
from tests.plugins.test_gift import DEFAULTS, ITEMS, assert_valid, key

SAMPLE = Path(__file__).parents[1] / "data" / "exchange" / "sample-moodle.xml"
XML = MoodleXmlFormat()


def read(text: str, defaults: ImportDefaults = DEFAULTS):
    return XML.read(text.encode(), filename="quiz.xml", defaults=defaults)


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>"


def multichoice(name: str, *answers: tuple[str, str], single: str = "true") -> str:
    body = "".join(f'<answer fraction="{fraction}"><text>{text}</text></answer>'
                   for fraction, text in answers)
    return (f'<question type="multichoice"><name><text>{name}</text></name>'
            f'<questiontext format="html"><text>&lt;p&gt;Welke?&lt;/p&gt;</text></questiontext>'
            f"<single>{single}</single>{body}</question>")


# ------------------------------------------------------------------------------ the sample

@pytest.fixture(scope="module")
def sample():
    return XML.read(SAMPLE.read_bytes(), filename="sample-moodle.xml", defaults=DEFAULTS)


def test_sample_reads_without_problems(sample):
    assert sample.problems == []
    assert [(i["type"], i["title"]) for i in sample.items] == [
        ("choice", "De tolk voorstellen"), ("choice", "Signalen van kwetsbaarheid"),
        ("true_false", "Pauzes in de notities"), ("short_text", "Landeninformatie"),
        ("numeric", "Duur van een pauze"), ("matching", "Wie doet wat tijdens het onderhoud?")]
    assert [(s.item, s.kind) for s in sample.skipped] == [
        ("Reflectie op een eigen gehoor", "essay"), ("Casus Amina", "description"),
        ("Gatentekst: verloop van het onderhoud", "cloze"),
        ("Termijn voor opmerkingen", "calculated")]


def test_sample_items_are_valid(sample):
    for item in sample.items:
        assert_valid(item)
    assert [i["id"] for i in sample.items] == [
        "po-tolk-01", "moodle-signalen-van-kwetsbaarheid", "moodle-pauzes-in-de-notities",
        "moodle-landeninformatie", "po-pauze", "moodle-wie-doet-wat-tijdens-het-onderhoud"]


@pytest.mark.parametrize(("index", "outcomes", "level", "tags"), [
    (0, ["ESQF-E-18e"], 6, ["tolk"]),              # category; EQF-6 tag
    (1, ["ESQF-E-18e"], 6, ["kwetsbaarheid"]),     # category; default level
    (2, ["ESQF-E-18e"], 6, []),                    # category
    (3, ["ESQF-E-18e"], 6, ["voorbereiding"]),     # tag, in a category without a code
    (4, ["ESQF-E-18f"], 6, []),                    # the trainer's defaults
    (5, ["ESQF-E-4b", "ESQF-E-4a"], 5, []),       # tags, "EQF 5"
])
def test_sample_outcomes_come_from_tags_categories_and_defaults(sample, index, outcomes, level,
                                                                tags):
    item = sample.items[index]
    assert (item["outcomes"], item["eqf_level"], item["tags"]) == (outcomes, level, tags)


def test_sample_single_choice_html_becomes_markdown(sample):
    item = sample.items[0]
    assert item["stem"] == ("Bij de opening van het persoonlijk onderhoud stelt de "
                            "**protection officer** de aanwezigen voor.\n\n"
                            "Wat zegt hij over de tolk? Kies één antwoord.")
    assert item["feedback"] == ("Beginsel 3 van het Handvest: de rol van de tolk wordt "
                                "toegelicht, zijn *naam* niet.")
    payload = item["payload"]
    assert (payload["multiple"], payload["points"], payload["shuffle"]) == (False, 2.0, True)
    assert [o["correct"] for o in payload["options"]] == [True, False, False]
    assert payload["options"][1]["feedback"] == "Onjuist. De naam van de tolk wordt niet vermeld."


def test_sample_multiple_response_drops_scripts(sample):
    item = sample.items[1]
    assert "alert" not in item["stem"] and "<" not in item["stem"]
    payload = item["payload"]
    assert (payload["multiple"], payload["scoring"], payload["shuffle"]) == (True, "partial",
                                                                             False)
    assert [o["correct"] for o in payload["options"]] == [True, True, False, False]
    assert payload["options"][1]["text"].endswith("herinneren & raakt telkens de draad kwijt.")


def test_sample_true_false_short_answer_numeric_matching(sample):
    true_false, short, numeric, matching = sample.items[2:]
    assert true_false["payload"]["answer"] is True
    assert true_false["payload"]["feedback_false"].startswith("Onjuist: begin en einde")
    assert [(a["text"], a["match"], a["score"]) for a in short["payload"]["answers"]] == [
        ("COI", "case_insensitive", 100.0), ("landeninformatie.*", "regex", 50.0),
        (".*", "regex", 0.0)]
    assert {k: numeric["payload"][k] for k in ("answer", "tolerance", "unit", "feedback")} == {
        "answer": 15.0, "tolerance": 2.0, "unit": "minuten", "feedback": "Juist, een kwartier."}
    assert key(matching)[0] == [
        ("Stelt de aanwezigen voor en licht hun rol toe", "Protection officer"),
        ("Vertaalt getrouw, zonder eigen commentaar", "Tolk"),
        ("Mag aan het einde opmerkingen formuleren", "Advocaat")]
    assert len(matching["payload"]["responses"]) == 4 and matching["payload"]["points"] == 3.0


# ------------------------------------------------------------------------------ refusals

BOMB = """<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "file:///etc/passwd"><quiz/>"""


@pytest.mark.parametrize(("data", "message"), [
    (BOMB, "declares a DTD or entities"),
    (EXTERNAL, "declares a DTD or entities"),
    ("Dit is geen XML, maar een Word-document.", "not well-formed XML"),
    ("<quiz><question type='truefalse'>", "not well-formed XML"),
    ('<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"/>',
     "not a Moodle XML quiz file"),
    ("", "not well-formed XML"),
])
def test_unsafe_or_foreign_input_is_a_problem_not_an_exception(data, message):
    result = read(data)
    assert result.items == [] and result.skipped == []
    [problem] = result.problems
    assert message in problem.message and problem.file == "quiz.xml"


def test_too_large_input_is_refused_unread():
    result = XML.read(b"<quiz>" + b" " * (20 * 1024 * 1024) + b"</quiz>", filename="q.xml",
                      defaults=DEFAULTS)
    assert result.items == [] and "larger than 20 MB" in result.problems[0].message


def test_multichoice_without_a_full_answer_is_a_problem_naming_item_field_and_line():
    result = read(quiz(multichoice("Goed", ("100", "ja"), ("0", "nee")),
                       multichoice("Zonder sleutel", ("50", "ja"), ("50", "nee"))))
    assert [i["title"] for i in result.items] == ["Goed"]
    [problem] = result.problems
    assert (problem.item, problem.field, problem.line) == ("Zonder sleutel", "answers", 4)
    assert "exactly one answer worth 100%; this one has 0" in problem.message


@pytest.mark.parametrize(("question", "field", "message"), [
    (multichoice("Q", ("veel", "ja"), ("0", "nee")), "answers", "fraction 'veel'"),
    (multichoice("Q", ("0", "ja"), ("-50", "nee"), single="false"), "answers",
     "None of the answers gives any credit"),
    ('<question type="numerical"><name><text>Q</text></name><questiontext><text>Hoeveel?</text>'
     '</questiontext><answer fraction="100"><text>15</text></answer>'
     '<answer fraction="50"><text>14</text><tolerance>1</tolerance></answer></question>',
     "answers", "2 answers that give credit"),
    ('<question type="truefalse"><name><text>Q</text></name><questiontext><text>Waar?</text>'
     '</questiontext><defaultgrade>0</defaultgrade></question>', "defaultgrade",
     "more than 0"),
    ('<question type="matching"><name><text>Q</text></name><questiontext><text>Koppel</text>'
     '</questiontext><subquestion><text>a</text><answer><text>1</text></answer></subquestion>'
     '</question>', "subquestions", "at least one question and two answers"),
    ('<question type="shortanswer"><name><text>Q</text></name><questiontext><text></text>'
     '</questiontext><answer fraction="100"><text>x</text></answer></question>',
     "questiontext", "The question text is empty"),
    ("<question><name><text>Q</text></name></question>", "type", "has no type attribute"),
])
def test_questions_that_cannot_become_items(question, field, message):
    result = read(quiz(question))
    assert result.items == []
    [problem] = result.problems
    assert (problem.item, problem.field) == ("Q", field) and message in problem.message


def test_short_answer_case_and_wildcards():
    result = read(quiz(
        '<question type="shortanswer"><name><text>Naam</text></name><questiontext>'
        '<text>Wie?</text></questiontext><usecase>1</usecase>'
        '<answer fraction="100"><text>CGVS</text></answer>'
        '<answer fraction="100"><text>Commissariaat*vluchtelingen</text></answer>'
        '<answer fraction="50"><text>5 \\* 3</text></answer></question>'))
    [item] = result.items
    assert [(a["text"], a["match"]) for a in item["payload"]["answers"]] == [
        ("CGVS", "exact"), ("Commissariaat.*vluchtelingen", "regex"), ("5 * 3", "exact")]
    assert_valid(item)


def test_same_names_get_unique_ids_and_an_id_prefix():
    result = read(quiz(*[multichoice("Rol van de tolk", ("100", "ja"), ("0", "nee"))] * 3),
                  ImportDefaults(id_prefix="cgvs", eqf_level=6))
    assert [i["id"] for i in result.items] == [
        "cgvs-rol-van-de-tolk", "cgvs-rol-van-de-tolk-2", "cgvs-rol-van-de-tolk-3"]


@pytest.mark.parametrize(("html", "markdown"), [
    ("<p>Een <b>vet</b> en <em>schuin</em> woord.</p>", "Een **vet** en *schuin* woord."),
    ("<p>Zie <a href='https://www.cgvs.be/nl'>het CGVS</a>.</p>",
     "Zie [het CGVS](https://www.cgvs.be/nl)."),
    ("<p><a href='javascript:alert(1)'>klik</a></p>", "klik"),
    ("<ul><li>opening</li><li>vragen</li></ul>", "- opening\n- vragen"),
    ("Regel 1<br>Regel 2", "Regel 1\\\nRegel 2"),
    ("<p>2 * 3 &lt; 7 &amp; 1. niet</p><style>p {}</style><iframe>x</iframe>",
     "2 \\* 3 \\< 7 & 1. niet"),
    ("<p>1. geen lijst</p><p># geen kop</p>", "1\\. geen lijst\n\n\\# geen kop"),
    ('<p onclick="steal()">Tekst<img src="@@PLUGINFILE@@/a.png"></p>', "Tekst"),
    ("<p><![if !supportLists]>-<![endif]> Woord</b></i> plakt</p>", "\\- Woord plakt"),
])
def test_html_to_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


@pytest.mark.parametrize("markdown", [
    "**Juist of onjuist?** De tolk\nvertaalt alles.\n\nTweede *alinea* met [een link](https://x.eu).",
    "Intro:\n\n- een\n  - twee\n- drie\n\n1. a\n2. b",
    "Regel\\\nvolgende regel, met \\* en \\< en naam_van_bestand en _____",
])
def test_markdown_survives_html(markdown):
    assert html_to_markdown(markdown_to_html(markdown)) == markdown


@pytest.mark.parametrize(("data", "filename", "claimed"), [
    (SAMPLE.read_bytes(), "sample-moodle.xml", True),
    (b'<?xml version="1.0"?>\n<quiz>\n</quiz>', "export.XML", True),
    (b'<?xml version="1.0"?><assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"'
     b' identifier="x"/>', "item.xml", False),
    (b"::A::B {T}", "vragen.gift", False),
])
def test_sniff(data, filename, claimed):
    assert XML.sniff(data, filename) is claimed


# ------------------------------------------------------------------------------ writing

def test_round_trip():
    written = XML.write(ITEMS)
    assert written.filename == "items.xml" and written.skipped == []
    result = XML.read(written.data, filename=written.filename, defaults=ImportDefaults())
    assert result.problems == [] and result.skipped == []
    assert len(result.items) == len(ITEMS)
    for before, after in zip(ITEMS, result.items, strict=True):
        assert_valid(after)
        for field in ("id", "type", "title", "stem", "feedback", "outcomes", "eqf_level",
                      "tags"):
            assert after[field] == before[field], (before["id"], field)
        assert key(after) == key(before)
        assert after["payload"]["points"] == before["payload"]["points"]


def test_the_samples_items_survive_being_written_as_moodle_xml(sample):
    written = XML.write(sample.items)
    back = XML.read(written.data, filename=written.filename, defaults=ImportDefaults())
    assert back.problems == [] and back.items == sample.items


def test_written_xml_is_what_moodle_imports():
    root = ET.fromstring(XML.write(ITEMS).data)
    assert root.tag == "quiz"
    assert [q.get("type") for q in root] == [
        "multichoice", "multichoice", "truefalse", "shortanswer", "numerical", "matching"]
    single, multiple, true_false, short, numeric, _ = root
    assert single.findtext("idnumber") == "rt-choice"
    assert single.find("questiontext").get("format") == "html"
    assert single.findtext("questiontext/text") == (
        "<p>Wat doet de <strong>tolk</strong>?</p>\n<p>Kies één antwoord {geen blok}.</p>")
    assert [t.text for t in single.findall("tags/tag/text")] == ["ESQF-E-4b", "EQF-5", "tolk"]
    assert [a.get("fraction") for a in single.findall("answer")] == ["100", "0"]
    # Moodle only accepts grades from its list: 1/2 of the credit each, -100 for the wrong one.
    assert [a.get("fraction") for a in multiple.findall("answer")] == ["50", "-100", "50"]
    assert multiple.findtext("single") == "false"
    assert [(a.findtext("text"), a.get("fraction")) for a in true_false.findall("answer")] == [
        ("true", "0"), ("false", "100")]
    assert [a.findtext("text") for a in short.findall("answer")] == ["COI", "landen*info"]
    assert numeric.findtext("answer/tolerance") == "2.5"


def test_relative_tolerance_and_unit_are_written_as_moodle_has_them():
    item = {**ITEMS[4], "payload": {**ITEMS[4]["payload"], "tolerance": 10.0,
                                    "tolerance_mode": "relative", "unit": "minuten"}}
    [back] = XML.read(XML.write([item]).data, filename="x.xml", defaults=DEFAULTS).items
    assert {k: back["payload"][k] for k in ("answer", "tolerance", "tolerance_mode", "unit")} \
        == {"answer": 15.0, "tolerance": 1.5, "tolerance_mode": "absolute", "unit": "minuten"}


def test_items_moodle_cannot_hold_are_skipped():
    scenario = {"id": "scenario-1", "type": "interview_scenario", "title": "Gesprek",
                "payload": {}}
    written = XML.write([scenario, ITEMS[0]])
    assert [(s.file, s.item, s.kind) for s in written.skipped] == [
        ("items.xml", "scenario-1", "interview_scenario")]
    assert len(ET.fromstring(written.data)) == 1
