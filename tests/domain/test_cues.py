"""The cue check against hand-made items, each with and without one classic flaw, and the
expected score of cue strategies computed by the type's own scoring."""

from __future__ import annotations

import pytest

from engine.domain.cues import (
    CueItem,
    CueOption,
    expectation,
    form_score,
    item_flags,
    key_positions,
)


def item(options, stem="Wat doet de protection officer bij de opening van het onderhoud?",
         language="nl", multiple=False, shuffled=True, uid="x"):
    """``options``: (text, credit) pairs."""
    return CueItem(uid=uid, stem=stem, language=language, multiple=multiple,
                   shuffled=shuffled, options=tuple(
                       CueOption(chr(97 + i), text, credit)
                       for i, (text, credit) in enumerate(options)))


def codes(cue_item) -> set[str]:
    return {flag.code for flag in item_flags(cue_item)}


BALANCED = [
    ("Hij stelt zichzelf en de aanwezigen voor, zonder de naam van de tolk.", 1),
    ("Hij stelt de aanwezigen voor met naam, ook de tolk, en licht hun rol toe.", 0),
    ("Hij laat de tolk zichzelf voorstellen in de taal van de verzoeker.", 0),
    ("Hij begint meteen met de vragen over het vluchtrelaas en de reisroute.", 0),
]


def test_a_balanced_item_has_no_flags():
    assert codes(item(BALANCED)) == set()


@pytest.mark.parametrize(("flawed", "flag"), [
    # the key is the unique longest option
    ([("Hij stelt zichzelf en alle aanwezigen voor en licht hun rol toe, maar vermeldt de "
       "naam van de tolk niet, zoals het Handvest vraagt.", 1),
      ("Hij stelt iedereen voor.", 0), ("Hij zegt niets.", 0), ("De tolk begint.", 0)],
     "longest_key"),
    # two options say the same
    ([("De tolk stelt zich voor.", 1), ("Hij stelt iedereen voor.", 0),
      ("Hij stelt iedereen voor", 0), ("Hij zegt niets over de rollen.", 0)],
     "repeated_options"),
    # one option contains another
    ([("De tolk stelt zich voor.", 1), ("Hij stelt iedereen voor.", 0),
      ("Hij stelt iedereen voor, ook met naam.", 0), ("Hij zegt niets.", 0)],
     "repeated_options"),
    # all of the above, in Dutch
    ([("De tolk stelt zich voor.", 0), ("Hij stelt iedereen voor.", 0),
      ("Alle bovenstaande antwoorden", 1), ("Hij zegt niets.", 0)], "all_or_none"),
    # absolute words only in distractors
    ([("Hij stelt zichzelf en de aanwezigen voor.", 1),
      ("Hij stelt altijd iedereen met naam voor.", 0),
      ("Hij laat de tolk nooit iets zeggen.", 0),
      ("Hij begint met de vragen over de reisroute.", 0)], "absolutes_in_distractors"),
    # words of the stem repeated only in the key
    ([("De protection officer opent het onderhoud met een voorstelling.", 1),
      ("Hij stelt iedereen voor met naam.", 0), ("Hij laat de tolk beginnen.", 0),
      ("Hij vraagt naar de reisroute.", 0)], "stem_words_in_key"),
])
def test_each_flaw_is_flagged(flawed, flag):
    assert flag in codes(item(flawed))


@pytest.mark.parametrize(("text", "language"), [
    ("All of the above", "en"), ("None of the above", "en"), ("Geen van de bovenstaande", "nl"),
    ("Aucune de ces réponses", "fr"), ("Toutes les réponses ci-dessus", "fr"),
])
def test_all_or_none_in_three_languages(text, language):
    flawed = [("Optie een met wat tekst", 1), ("Optie twee met wat tekst", 0),
              ("Optie drie met tekst", 0), (text, 0)]
    assert "all_or_none" in codes(item(flawed, language=language))


def test_absolutes_in_the_key_too_are_no_cue():
    options = [("Hij stelt altijd zichzelf voor.", 1), ("Hij stelt nooit de tolk voor.", 0),
               ("Hij begint met de reisroute.", 0), ("Hij zwijgt.", 0)]
    assert "absolutes_in_distractors" not in codes(item(options))


def test_french_and_english_absolutes():
    en = [("You introduce yourself.", 1), ("You always name the interpreter.", 0),
          ("You start with the route.", 0), ("You say nothing.", 0)]
    fr = [("Vous vous présentez.", 1), ("Vous nommez toujours l'interprète.", 0),
          ("Vous commencez par l'itinéraire.", 0), ("Vous ne dites rien.", 0)]
    assert "absolutes_in_distractors" in codes(item(en, stem="What do you do?", language="en"))
    assert "absolutes_in_distractors" in codes(item(fr, stem="Que faites-vous ?",
                                                    language="fr"))


def test_multiple_answer_keys_all_longer_than_every_distractor():
    options = [("Een lange juiste optie met veel uitleg erbij", 1),
               ("Nog een lange juiste optie met uitleg", 1), ("Kort fout", 0), ("Fout", 0)]
    assert "longest_key" in codes(item(options, multiple=True))
    options[2] = ("Een lange foute optie met net zoveel uitleg erbij", 0)
    assert "longest_key" not in codes(item(options, multiple=True))


def test_key_positions_across_a_bank():
    piled = [item(BALANCED, uid=f"i{n}") for n in range(12)]  # the key always first
    report = key_positions(piled)
    assert report.skewed and report.observed == {1: 12}
    spread = [item(BALANCED[n % 4:] + BALANCED[:n % 4], uid=f"i{n}") for n in range(12)]
    assert not key_positions(spread).skewed


def _points(cue_item):
    """Single-answer scoring: the credit of the chosen option."""
    credit = {o.id: o.credit for o in cue_item.options}
    return lambda ids: credit[ids[0]] if len(ids) == 1 else 0.0


def test_expected_score_of_the_longest_strategy():
    long_key = item([("Een lange juiste optie met veel uitleg erbij", 1),
                     ("Kort", 0), ("Korter", 0), ("Fout", 0)])
    e = expectation("x", long_key, 1.0, _points(long_key), 0.0, {})
    assert e.chance == pytest.approx(0.25)
    assert e.cues["longest"] == 1.0 and e.cues["shortest"] == 0.0
    tie = item([("even lang", 1), ("even lan", 0), ("even lang", 0), ("kort", 0)])
    e = expectation("y", tie, 1.0, _points(tie), 0.0, {})
    assert e.cues["longest"] == pytest.approx(0.5)  # a tie is shared evenly


def test_position_only_counts_where_options_are_not_shuffled():
    fixed = item(BALANCED, shuffled=False)
    e = expectation("x", fixed, 1.0, _points(fixed), 0.0, {"favourite_position": 1})
    assert e.cues["position"] == 1.0
    shuffled = item(BALANCED, shuffled=True)
    e = expectation("x", shuffled, 1.0, _points(shuffled), 0.0, {"favourite_position": 1})
    assert e.cues["position"] == pytest.approx(0.25)


def test_form_score_weights_items_by_the_points_a_form_gives_them():
    long_key = item([("Een lange juiste optie met veel uitleg erbij", 1),
                     ("Kort", 0), ("Korter", 0), ("Fout", 0)])
    cued = expectation("a", long_key, 1.0, _points(long_key), 0.0, {})
    blind = expectation("b", None, 4.0, lambda ids: 0.0, 1.0, {})  # not choice-like
    score = form_score([[(cued, None), (blind, None)]])
    assert score.chance == pytest.approx(100 * (0.25 + 1.0) / 5, abs=0.1)
    assert score.strategies["longest"] == pytest.approx(100 * (1.0 + 1.0) / 5, abs=0.1)
    # the same item worth 4 points in a blueprint row counts four times as much
    score = form_score([[(cued, 4.0), (blind, None)]])
    assert score.strategies["longest"] == pytest.approx(100 * (4.0 + 1.0) / 8, abs=0.1)
