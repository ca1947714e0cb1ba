"""Sample payloads of the domain question types, shared by their tests."""

from __future__ import annotations

RUBRIC = {"criteria": [
    {"id": "belang", "title": "Belang van de minderjarige centraal",
     "levels": [{"id": 0, "label": "Onvoldoende", "points": 0},
                {"id": 1, "label": "Voldoende", "points": 1},
                {"id": 2, "label": "Goed", "points": 2}]},
    {"id": "kader", "title": "Juridisch en deontologisch kader",
     "levels": [{"id": 0, "label": "Onvoldoende", "points": 0},
                {"id": 1, "label": "Voldoende", "points": 1},
                {"id": 2, "label": "Goed", "points": 2}]},
]}

SCENARIO = {
    "start": "s1",
    "points": 10,
    "steps": [
        {"id": "s1", "situation": "De verzoeker, de tolk en de advocaat zitten klaar.",
         "choices": [
             {"id": "c1", "text": "U stelt iedereen voor met zijn rol, zonder de naam van de tolk.",
              "weight": 100, "feedback": "Juist: de tolk wordt niet bij naam voorgesteld.",
              "principle": "Beginsel 3", "next": "s2",
              "source": {"document": "002_330932c70e0adbd3.txt", "lines": [149, 152]}},
             {"id": "c2", "text": "U vraagt de tolk zich met naam voor te stellen.",
              "weight": 0, "feedback": "De naam van de tolk wordt nooit gegeven.",
              "principle": "Beginsel 3", "next": "s3"},
         ]},
        {"id": "s2", "situation": "De advocaat onderbreekt uw eerste vraag.",
         "choices": [
             {"id": "c3", "text": "U legt uit dat de advocaat aan het einde het woord krijgt.",
              "weight": 100, "feedback": "Juist.", "next": None},
             {"id": "c4", "text": "U laat de advocaat de vraag herformuleren.",
              "weight": 20, "feedback": "De advocaat komt niet tussen.", "next": None},
         ]},
        {"id": "s3", "situation": "De tolk aarzelt en kijkt u vragend aan.",
         "choices": [
             {"id": "c5", "text": "U herstelt: de tolk hoeft zijn naam niet te geven.",
              "weight": 60, "feedback": "Goed hersteld.", "next": "s2"},
             {"id": "c6", "text": "U dringt aan.", "weight": 0, "feedback": "Niet doen.",
              "next": None},
         ]},
    ],
}

COI = {
    "case": "Een verzoeker uit de fictieve provincie Noord-Arland verklaart dat de markt in "
            "zijn dorp in maart 2024 werd platgebrand.",
    "sources": [
        {"id": "src1", "title": "Veiligheidsrapport Noord-Arland", "publisher": "Fictief Instituut",
         "date": "2024-06-01", "text": "In maart 2024 brandde de markt van Velden af."},
        {"id": "src2", "title": "Blog van een reiziger", "publisher": "anoniem",
         "date": "2019-02-10", "text": "Een rustige streek met een mooie markt."},
        {"id": "src3", "title": "Persbericht regering", "publisher": "Ministerie (fictief)",
         "date": "2024-04-02", "text": "Er waren geen incidenten in Noord-Arland."},
    ],
    "relevant_sources": ["src1"],
    "statements": [
        {"id": "st1", "text": "De markt brandde af in maart 2024.", "verdict": "corroborated",
         "source": "src1", "feedback": "Het rapport bevestigt dit."},
        {"id": "st2", "text": "De brand werd door soldaten gesticht.",
         "verdict": "not_addressed"},
    ],
    "confrontation": {"prompt": "Schrijf een niet-suggestieve confrontatievraag.",
                      "rubric": RUBRIC},
    "points": {"sources": 2, "statement": 1},
}

DILEMMA = {
    "options": [
        {"id": "a", "text": "U meldt het incident vandaag nog.", "weight": 100,
         "feedback": "Melden is verplicht."},
        {"id": "b", "text": "U wacht af tot er meer bekend is.", "weight": 25,
         "feedback": "Afwachten kan de minderjarige schaden."},
        {"id": "c", "text": "U doet niets.", "weight": 0, "feedback": "Niet aanvaardbaar."},
    ],
    "axes": ["task_people"],
    "points": 4,
    "justification": {"prompt": "Licht uw keuze toe.", "min_words": 10, "rubric": RUBRIC},
}
