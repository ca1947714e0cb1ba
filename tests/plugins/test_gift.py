"""The GIFT exchange format: the hand-written sample, GIFT's markup one feature at a time,
problems that name the question and its line, and writing items back (round trips).

Pure: no app, no database; every item read is checked with its question type's own payload
schema and the bank's item schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.domain.exchange import ImportDefaults
from engine.schemas.bank import ItemSchema
from plugins.choice import ChoiceQuestionType
from plugins.gift import GiftFormat
from plugins.matching import MatchingQuestionType
from plugins.numeric import NumericQuestionType
from plugins.short_text import ShortTextQuestionType
from plugins.true_false import TrueFalseQuestionType

SAMPLE = Path(__file__).parents[1] / "data" / "exchange" / "sample.gift"
TYPES = {qt.name: qt for qt in (ChoiceQuestionType(), TrueFalseQuestionType(),
                                ShortTextQuestionType(), NumericQuestionType(),
                                MatchingQuestionType())}
DEFAULTS = ImportDefaults(language="nl", outcomes=("ESQF-E-18f",), eqf_level=6)
GIFT = GiftFormat()


def read(text: str, defaults: ImportDefaults = DEFAULTS):
    return GIFT.read(text.encode(), filename="vragen.gift", defaults=defaults)


def only_item(text: str) -> dict:
    result = read(text)
    assert result.problems == [] and result.skipped == []
    assert len(result.items) == 1
    return result.items[0]


def assert_valid(item: dict) -> None:
    TYPES[item["type"]].validate_payload(item["payload"])
    ItemSchema().load(item)


# ------------------------------------------------------------------------------ the sample

@pytest.fixture(scope="module")
def sample():
    return GIFT.read(SAMPLE.read_bytes(), filename="sample.gift", defaults=DEFAULTS)


def test_sample_reads_without_problems(sample):
    assert sample.problems == []
    assert [i["type"] for i in sample.items] == [
        "choice", "choice", "true_false", "short_text", "numeric", "matching"]
    assert [(s.item, s.kind) for s in sample.skipped] == [
        ("Reflectie op een eigen gehoor", "essay"), ("Casus Amina", "description")]
    assert all(s.file == "sample.gift" for s in sample.skipped)


def test_sample_items_are_valid(sample):
    for item in sample.items:
        assert_valid(item)
    ids = [i["id"] for i in sample.items]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("item_id", "outcomes", "level", "tags"), [
    ("po-tolk-01", ["ESQF-E-18e"], 6, ["tolk"]),                       # category + tag EQF-6
    ("gift-signalen-van-kwetsbaarheid", ["ESQF-E-18e"], 6, []),        # category, default level
    ("gift-landeninformatie", ["ESQF-E-18e"], 6, ["voorbereiding"]),   # tag
    ("gift-duur-van-een-pauze", ["ESQF-E-18f"], 6, []),                # the defaults
    ("gift-wie-doet-wat-tijdens-het-onderhoud", ["ESQF-E-4b", "ESQF-E-4a"], 5, []),
])
def test_sample_outcomes_come_from_tags_categories_and_defaults(sample, item_id, outcomes,
                                                                level, tags):
    item = next(i for i in sample.items if i["id"] == item_id)
    assert (item["outcomes"], item["eqf_level"], item["tags"]) == (outcomes, level, tags)
    assert item["language"] == "nl"


def test_sample_single_choice(sample):
    item = sample.items[0]
    assert item["title"] == "De tolk voorstellen"
    assert item["stem"].endswith("Wat zegt hij over de tolk?")
    assert item["feedback"].startswith("Beginsel 3 van het Handvest: de rol")
    options = item["payload"]["options"]
    assert [o["correct"] for o in options] == [True, False, False]
    assert options[2]["text"] == "Niets: de tolk stelt zichzelf voor."   # \: unescaped
    assert options[0]["feedback"] == "Juist. Zo blijft de tolk beschermd."
    assert item["payload"]["multiple"] is False


def test_sample_multiple_response_from_weights(sample):
    item = sample.items[1]
    assert item["stem"] == ("Welke signalen wijzen op **bijzondere procedurele noden**? "
                            "Kies alle juiste antwoorden.")                 # [html] converted
    payload = item["payload"]
    assert (payload["multiple"], payload["scoring"]) == (True, "partial")
    assert [o["correct"] for o in payload["options"]] == [True, True, False, False]


def test_sample_short_answer_numeric_and_matching(sample):
    short, numeric, matching = sample.items[3:]
    assert [(a["text"], a["score"]) for a in short["payload"]["answers"]] == [
        ("COI", 100.0), ("landeninformatie", 50.0)]
    assert (numeric["payload"]["answer"], numeric["payload"]["tolerance"]) == (15.0, 2.0)
    assert numeric["payload"]["feedback"] == "Juist, een kwartier."
    payload = matching["payload"]
    responses = {r["id"]: r["text"] for r in payload["responses"]}
    assert {p["text"]: responses[p["match"]] for p in payload["premises"]} == {
        "Stelt de aanwezigen voor en licht hun rol toe": "Protection officer",
        "Vertaalt getrouw, zonder eigen commentaar": "Tolk",
        "Mag aan het einde opmerkingen formuleren": "Advocaat"}
    assert "Dossierbeheerder van de opvang" in responses.values()   # the distractor


# ------------------------------------------------------------------------------ GIFT markup

@pytest.mark.parametrize(("source", "stem", "options"), [
    (r"Wat is 2 \= 2? {=ja ~nee}", "Wat is 2 = 2?", ["ja", "nee"]),
    (r"Tijd 10\:30 {=goed\~fout ~nee}", "Tijd 10:30", ["goed~fout", "nee"]),
    (r"Paragraaf \#3 {=a\{b\} ~c}", "Paragraaf #3", ["a{b}", "c"]),
    (r"Regel 1\nRegel 2 {=x ~y}", "Regel 1\nRegel 2", ["x", "y"]),
    (r"Pad C\:\\map {=x ~y}", "Pad C:\\\\map", ["x", "y"]),   # a backslash, as Markdown
])
def test_escapes(source, stem, options):
    item = only_item(source)
    assert item["stem"] == stem
    assert [o["text"] for o in item["payload"]["options"]] == options


@pytest.mark.parametrize(("answer_block", "answer", "tolerance"), [
    ("{#15}", 15.0, 0.0),
    ("{#1.5:0.1}", 1.5, 0.1),
    ("{#1..2}", 1.5, 0.5),
    ("{#-10..-6}", -8.0, 2.0),
    ("{#\n=1822:0#Juist\n}", 1822.0, 0.0),
    ("{#=8:1 ~#Tel de werkdagen}", 8.0, 1.0),   # feedback for wrong answers is dropped
])
def test_numeric_answers(answer_block, answer, tolerance):
    item = only_item(f"::Termijn::Hoeveel werkdagen? {answer_block}")
    assert item["type"] == "numeric"
    assert (item["payload"]["answer"], item["payload"]["tolerance"]) == (answer, tolerance)
    assert_valid(item)


def test_several_numeric_answers_with_credit_are_a_problem():
    result = read("::Geboortejaar::Wanneer? {#=1822:0#Juist =%50%1822:2#Bijna}\n")
    assert result.items == []
    [problem] = result.problems
    assert (problem.item, problem.field, problem.line) == ("Geboortejaar", "answers", 1)
    assert "2 answers that give credit" in problem.message


@pytest.mark.parametrize(("block", "answer", "feedback_true", "feedback_false"), [
    ("{T}", True, "", ""),
    ("{TRUE#Fout, het mag wel#Goed zo}", True, "Goed zo", "Fout, het mag wel"),
    ("{F#Nee, het mag niet#Juist}", False, "Nee, het mag niet", "Juist"),
    ("{FALSE##Juist}", False, "", "Juist"),
])
def test_true_false_feedback(block, answer, feedback_true, feedback_false):
    item = only_item(f"De tolk mag zijn mening geven.{block}")
    assert item["payload"] == {"answer": answer, "points": 1.0,
                               "feedback_true": feedback_true, "feedback_false": feedback_false}
    assert_valid(item)


def test_multiple_response_weights_and_single_choice_with_partial_answers():
    multiple = only_item("Welke? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert [o["correct"] for o in multiple["payload"]["options"]] == [True, True, True, False]
    assert multiple["payload"]["multiple"] is True
    single = only_item("Welke? {=a ~%50%b ~c}")     # an "=" makes it single-answer
    assert [o["correct"] for o in single["payload"]["options"]] == [True, False, False]
    assert single["payload"]["multiple"] is False


def test_short_answer_weights_feedback_and_wildcards():
    item = only_item("Wie vertaalt? {=tolk#Ja =%50%vertaler*#Bijna =%0%advocaat#Nee}")
    assert [(a["text"], a["match"], a["score"], a["feedback"])
            for a in item["payload"]["answers"]] == [
        ("tolk", "case_insensitive", 100.0, "Ja"), ("vertaler.*", "regex", 50.0, "Bijna"),
        ("advocaat", "case_insensitive", 0.0, "Nee")]
    assert_valid(item)


def test_matching_and_general_feedback():
    item = only_item("::Rollen::Koppel.{=PO -> leidt =Tolk -> vertaalt = -> beslist "
                     "####Zie beginsel 3.}")
    payload = item["payload"]
    assert [p["text"] for p in payload["premises"]] == ["PO", "Tolk"]
    assert [r["text"] for r in payload["responses"]] == ["leidt", "vertaalt", "beslist"]
    assert item["feedback"] == "Zie beginsel 3."
    assert_valid(item)


def test_comments_ids_tags_and_categories():
    result = read(
        "// Een commentaar voor de trainer.\n"
        "$CATEGORY: $course$/top/ESQF-E-4b Via een tolk\n\n"
        "// [id:Tolk 01] [tag:EQF-4] [tag:tolk]\n"
        "::Tolk::Wie vertaalt? {=de tolk ~de advocaat}\n\n"
        "// zonder id\n"
        "::Tolk::Wie vertaalt nog? {=de tolk ~de advocaat}\n\n"
        "$CATEGORY: $course$/top/Algemeen\n\n"
        "::Tolk::En nu? {=de tolk ~de advocaat}\n")
    assert result.problems == []
    assert [i["id"] for i in result.items] == ["tolk-01", "gift-tolk", "gift-tolk-2"]
    assert [i["outcomes"] for i in result.items] == [["ESQF-E-4b"], ["ESQF-E-4b"],
                                                    ["ESQF-E-18f"]]
    assert [i["eqf_level"] for i in result.items] == [4, 6, 6]
    assert result.items[0]["tags"] == ["tolk"]


def test_text_formats_and_missing_word():
    markdown = only_item("::M::[markdown]Dit is **vet**.{T}")
    assert markdown["stem"] == "Dit is **vet**."
    plain = only_item("::P::[plain]Gebruik <b> en *sterren*.{T}")
    assert plain["stem"] == "Gebruik \\<b\\> en \\*sterren\\*."
    html = only_item("::H::[html]<p>Eén</p><script>alert(1)</script><p>Twee</p>{T}")
    assert html["stem"] == "Eén\n\nTwee"
    blank = only_item("De tolk {=vertaalt ~beslist} wat de verzoeker zegt.")
    assert blank["stem"] == "De tolk _____ wat de verzoeker zegt."
    assert blank["title"] == "De tolk _____ wat de verzoeker zegt."


def test_unclosed_brace_is_a_problem_with_name_and_line_and_the_rest_imports():
    result = read(
        "::Eerste::Wie leidt het onderhoud? {=de protection officer ~de tolk}\n"
        "\n"
        "// kapot: het antwoordblok sluit niet\n"
        "::Kapot::Wie vertaalt? {=de tolk ~de advocaat\n"
        "\n"
        "Mag de advocaat opmerkingen maken? {\n"
        "=ja ~nee\n"
        "\n"
        "::Laatste::De tolk vertaalt getrouw.{T}\n")
    assert [i["title"] for i in result.items] == ["Eerste", "Laatste"]
    assert [(p.item, p.line, p.field) for p in result.problems] == [
        ("Kapot", 4, "answers"), ("Mag de advocaat opmerkingen maken?", 6, "answers")]
    assert "never closed" in result.problems[0].message
    assert str(result.problems[0]).startswith("vragen.gift:4: item 'Kapot'")


@pytest.mark.parametrize(("source", "message"), [
    ("::A::Een } zonder begin {=x ~y}", "no { opens"),
    ("::A::Twee {=x ~y} blokken {=z}", "only one answer block"),
    ("::A::Welke? {=x =y ~z}", "exactly one answer worth 100%"),
    ("::A::Welke? {~x ~y}", "None of the answers gives any credit"),
    ("::A::Welke? {~x}", "needs at least two answers"),
    ("::A::Koppel {=a -> 1 =b}", "has no '->'"),
    ("::A::Getal? {#tien}", "is not a number"),
    ("::A::Getal? {#5:veel}", "The tolerance 'veel' is not a number"),
    ("::A::Welk? {=%50%half}", "None of the answers is worth 100%"),
    ("::A::{T}", "The question text is empty"),
])
def test_broken_questions_are_problems(source, message):
    result = read(source)
    assert result.items == []
    [problem] = result.problems
    assert message in problem.message and problem.item == "A" and problem.line == 1


def test_not_utf8_and_too_large_files_are_problems():
    result = GIFT.read(b"::A::Vraag {T}\n\n::B::Caf\xe9 {T}", filename="x.gift",
                       defaults=DEFAULTS)
    assert result.items == [] and result.problems[0].line == 3
    assert "UTF-8" in result.problems[0].message
    big = GIFT.read(b" " * (20 * 1024 * 1024 + 1), filename="x.gift", defaults=DEFAULTS)
    assert big.items == [] and "larger than 20 MB" in big.problems[0].message


def test_ids_use_the_trainers_prefix_and_stay_unique():
    result = read("Vraag één? {T}\n\nVraag één? {F}\n",
                  ImportDefaults(id_prefix="PO 2025", eqf_level=5))
    assert [i["id"] for i in result.items] == ["po-2025-vraag-een", "po-2025-vraag-een-2"]
    assert result.items[0]["outcomes"] == []   # no defaults: validation will ask for them


@pytest.mark.parametrize(("data", "filename", "claimed"), [
    (b"::A::B {T}", "vragen.gift", True),
    (b"::A::B {T}", "vragen.txt", True),
    (b"Wie? {=de tolk ~de advocaat}", "export.TXT", True),
    (b"Boodschappenlijst: melk, brood", "lijst.txt", False),
    (b"::A::B {T}", "vragen.xml", False),
])
def test_sniff(data, filename, claimed):
    assert GIFT.sniff(data, filename) is claimed


# ------------------------------------------------------------------------------ writing

ITEMS = [
    {"id": "rt-choice", "type": "choice", "language": "nl", "title": "Rol: de tolk",
     "outcomes": ["ESQF-E-4b"], "eqf_level": 5,
     "stem": "Wat doet de **tolk**?\n\nKies één antwoord {geen blok}.",
     "payload": {"multiple": False, "scoring": "all_or_nothing", "shuffle": True, "points": 2.0,
                 "options": [{"id": "a", "text": "Vertaalt = getrouw", "correct": True,
                              "feedback": "Juist #1"},
                             {"id": "b", "text": "Beslist ~ mee", "correct": False,
                              "feedback": ""}]},
     "feedback": "Zie beginsel 3: de tolk.", "tags": ["tolk"]},
    {"id": "rt-multiple", "type": "choice", "language": "nl", "title": "Signalen",
     "outcomes": ["ESQF-E-18e", "ESQF-E-18f"], "eqf_level": 6, "stem": "Welke signalen?",
     "payload": {"multiple": True, "scoring": "partial", "shuffle": False, "points": 1.0,
                 "options": [{"id": "a", "text": "Paniek", "correct": True, "feedback": ""},
                             {"id": "b", "text": "Dorst", "correct": False, "feedback": ""},
                             {"id": "c", "text": "Verwarring", "correct": True,
                              "feedback": "Ja"}]},
     "feedback": "", "tags": []},
    {"id": "rt-tf", "type": "true_false", "language": "nl", "title": "Pauzes",
     "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": "Pauzes komen in de notities.",
     "payload": {"answer": False, "points": 1.0, "feedback_true": "Onjuist.",
                 "feedback_false": "Juist: ze komen er wel in."},
     "feedback": "", "tags": []},
    {"id": "rt-short", "type": "short_text", "language": "nl", "title": "COI",
     "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": "Welke afkorting?",
     "payload": {"points": 1.0, "max_length": 200, "answers": [
         {"text": "COI", "match": "case_insensitive", "score": 100.0, "feedback": "Ja"},
         {"text": "landen.*info", "match": "regex", "score": 50.0, "feedback": "Bijna"}]},
     "feedback": "", "tags": []},
    {"id": "rt-numeric", "type": "numeric", "language": "nl", "title": "Pauze",
     "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": "Hoeveel minuten?",
     "payload": {"answer": 15.0, "tolerance": 2.5, "tolerance_mode": "absolute", "unit": "",
                 "points": 1.0, "feedback": "Een kwartier."},
     "feedback": "", "tags": []},
    {"id": "rt-matching", "type": "matching", "language": "nl", "title": "Rollen",
     "outcomes": ["ESQF-E-18e"], "eqf_level": 7, "stem": "Koppel.",
     "payload": {"scoring": "partial", "points": 3.0,
                 "premises": [{"id": "p1", "text": "Leidt", "match": "r1", "feedback": ""},
                              {"id": "p2", "text": "Vertaalt", "match": "r2", "feedback": ""}],
                 "responses": [{"id": "r1", "text": "PO"}, {"id": "r2", "text": "Tolk"},
                               {"id": "r3", "text": "Advocaat"}]},
     "feedback": "", "tags": []},
]


def key(item: dict):
    """What must survive a round trip: the type's answer key and scoring-relevant fields."""
    payload = item["payload"]
    if item["type"] == "choice":
        return payload["multiple"], [(o["text"], o["correct"], o["feedback"])
                                     for o in payload["options"]]
    if item["type"] == "true_false":
        return payload["answer"], payload["feedback_true"], payload["feedback_false"]
    if item["type"] == "short_text":
        return [(a["text"], a["match"], a["score"], a["feedback"]) for a in payload["answers"]]
    if item["type"] == "numeric":
        return payload["answer"], payload["tolerance"], payload["feedback"]
    responses = {r["id"]: r["text"] for r in payload["responses"]}
    return ([(p["text"], responses[p["match"]]) for p in payload["premises"]],
            sorted(responses.values()))


def test_round_trip():
    written = GIFT.write(ITEMS)
    assert written.filename == "items.gift" and written.skipped == []
    result = GIFT.read(written.data, filename=written.filename, defaults=ImportDefaults())
    assert result.problems == [] and result.skipped == []
    assert len(result.items) == len(ITEMS)
    for before, after in zip(ITEMS, result.items, strict=True):
        assert_valid(after)
        for field in ("id", "type", "title", "stem", "feedback", "outcomes", "eqf_level",
                      "tags"):
            assert after[field] == before[field], (before["id"], field)
        assert key(after) == key(before)
        assert after["payload"]["points"] == 1.0   # GIFT has no marks: Moodle's default


def test_the_samples_items_survive_being_written_as_gift(sample):
    # The sample uses GIFT's defaults for what GIFT cannot say (marks, shuffling, units).
    written = GIFT.write(sample.items)
    back = GIFT.read(written.data, filename=written.filename, defaults=ImportDefaults())
    assert back.problems == [] and back.items == sample.items


def test_written_gift_looks_like_moodles():
    text = GIFT.write(ITEMS[:1]).data.decode()
    assert text.splitlines()[:3] == [
        "// [id:rt-choice]",
        "// [tag:ESQF-E-4b] [tag:EQF-5] [tag:tolk]",
        "::Rol\\: de tolk::[markdown]Wat doet de **tolk**?\\n\\nKies één antwoord "
        "\\{geen blok\\}.{"]
    assert "\t=Vertaalt \\= getrouw#Juist \\#1" in text
    assert "\t####Zie beginsel 3\\: de tolk." in text


def test_items_gift_cannot_hold_are_skipped():
    ordering = {"id": "volgorde", "type": "ordering", "title": "Volgorde", "payload": {}}
    regex = {**ITEMS[3], "id": "regex", "payload": {**ITEMS[3]["payload"], "answers": [
        {"text": "[0-9]+", "match": "regex", "score": 100.0}]}}
    written = GIFT.write([ordering, regex, ITEMS[2]])
    assert [(s.item, s.kind) for s in written.skipped] == [("volgorde", "ordering"),
                                                           ("regex", "short_text")]
    assert "[0-9]+" in written.skipped[1].reason
    assert [i["id"] for i in GIFT.read(written.data, filename="x.gift",
                                       defaults=DEFAULTS).items] == ["rt-tf"]
