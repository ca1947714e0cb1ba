"""Hold the extracted ESQF data (item_bank/frameworks/esqf.json) against the seed text dump.

The extractor is loaded from its file, not imported through the ``engine`` package: the
package's ``__init__`` builds the Flask app, and these tests need no app.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "item_bank" / "sources" / "000_4f0e911cdfd23c21.txt"
DATA = ROOT / "item_bank" / "frameworks" / "esqf.json"


def _load_extractor():
    spec = importlib.util.spec_from_file_location(
        "esqf_extract", ROOT / "engine" / "domain" / "esqf_extract.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("esqf_extract", module)
    spec.loader.exec_module(module)
    return module


esqf = _load_extractor()
SEED_TEXT = SEED.read_text(encoding="utf-8")
STORED = json.loads(DATA.read_text(encoding="utf-8"))
CELLS = STORED["cells"]
BY_CODE = {cell["code"]: cell for cell in CELLS}
BANNERS = {14, 28}
ROWS = [n for n in range(1, 38) if n not in BANNERS]

GROUPS = {
    "ALGEMENE COMPETENTIES OP HET GEBIED VAN ASIEL EN OPVANG": [
        ("Wetgeving, beleid en procedures", [1, 2]),
        ("Algemene communicatie", [3, 4]),
        ("Samenwerking en informatie-uitwisseling", [5]),
        ("Bewustzijn van culturele en sociale factoren", [6]),
        ("Professionele normen", [7]),
        ("Professioneel welzijn", [8]),
        ("Gezondheid, veiligheid en beveiliging", [9]),
        ("Conflictbeheersing en bemiddeling", [10]),
        ("Informatiebeveiliging, IT en databanken", [11, 12]),
        ("Informatie en gegevensanalyse", [13]),
    ],
    "SPECIFIEKE COMPETENTIES OP HET GEBIED VAN ASIEL EN OPVANG": [
        ("Dossierbeheer, registratie en huisvesting", [15, 16, 17]),
        ("Gesprekken", [18]),
        ("Bewijsbeoordeling en besluitvorming", [19, 20]),
        ("Onderzoek naar herkomstlandeninformatie", [21, 22]),
        ("Kwetsbaarheid", [23]),
        ("Psychosociale ondersteuning en begeleiding", [24]),
        ("Hervestiging", [25, 26]),
        ("Kwaliteitsborging van het asiel- en opvangproces", [27]),
    ],
    "COMPETENTIES OP HET GEBIED VAN TOEZICHT EN MANAGEMENT": [
        ("Personeelsmanagement", [29, 30]),
        ("Leren en professionele ontwikkeling", [31, 32]),
        ("Leiderschap en management", [33, 34]),
        ("Strategie en planning", [35]),
        ("Kwaliteitsbeheer", [36]),
        ("Financieel beheer", [37]),
    ],
}

# Cells read by eye from the seed (code -> text as printed, line-break hyphens undone).
KNOWN = {
    "ESQF-P-1a": "Relevante wetgeving, beleidslijnen en procedures met betrekking tot asiel "
    "overeenkomstig de nationale, EU- en internationale rechtskaders",
    "ESQF-P-1f": "",
    "ESQF-P-2g": "",
    "ESQF-P-2h": "Juridisch onderzoek te doen en/of asielgerelateerde wetgeving, beleidslijnen "
    "en procedures kritisch te beoordelen en gemotiveerde verbeteringen aan te bevelen in "
    "het kader van nationale en EU-strategieën",
    "ESQF-P-3a": "Basisbeginselen en -technieken voor doeltreffende communicatie",
    "ESQF-P-7a": "De doelstellingen, ethische regels en waarden van de asiel- en opvangdienst",
    "ESQF-P-8d": "Potentiële psychosociale risico’s op het werk te herkennen",
    "ESQF-P-8e": "",
    "ESQF-P-13i": "",
    "ESQF-P-18e": "Een standaard asielgesprek plannen, voorbereiden, voeren en documenteren",
    "ESQF-P-18g": "Geavanceerde asielgerelateerde gespreksstrategieën en methoden",
    "ESQF-P-20d": "",
    "ESQF-P-20e": "De verantwoordelijkheid voor de behandeling van een verzoek om "
    "internationale bescherming te bepalen",
    "ESQF-P-29e": "Wervings-, selectie-, promotie- en tuchtprocessen uit te voeren",
    "ESQF-P-30f": "",
    "ESQF-P-37g": "Instrumenten en methoden voor financiële en budgettaire analyse",
    "ESQF-E-1c": "",
    "ESQF-E-3g": "Organisatorische communicatie- instrumenten, technieken en strategieën "
    "kritisch evalueren",
    "ESQF-E-4f": "Toezicht houden op het gedrag van de tolk op basis van indicatoren voor "
    "consistentie en nauwkeurigheid, vaststellen van mogelijke follow-up-maatregelen",
    "ESQF-E-9f": "Een inclusieve en veilige asiel- en opvangomgeving creëren binnen het eigen "
    "taakgebied",
    "ESQF-E-10e": "Bemiddelen en zorgen voor de-escalatie in asiel- en opvanggerelateerde "
    "acute, complexe conflictsituaties",
    "ESQF-E-13d": "Uiteenlopende onderzoeksmethoden beoordelen die van toepassing zijn op "
    "kwalitatieve en kwantitatieve informatie en gegevens over asiel en opvang",
    "ESQF-E-18e": "Een standaard asielgesprek plannen, voorbereiden, voeren en documenteren",
    "ESQF-E-20d": "",
    "ESQF-E-24a": "Een verscheidenheid aan instrumenten en technieken beschrijven waarmee de "
    "oorzaken van sociale problemen van asielzoekers kunnen worden herkend en verminderd",
    "ESQF-E-30i": "",
    "ESQF-E-35a": "Organisatiestrategieën en plannen opstellen",
    "ESQF-E-37d": "De organisatorische systemen en instrumenten voor financieel beheer en "
    "inkoop beschrijven",
    "ESQF-E-37i": "Zorgen voor doeltreffend en efficiënt beheer van de financiële middelen bij "
    "de verwezenlijking van de doelstellingen van de organisatie",
}

# Cells whose stored text is, by design, not a plain substring of the seed after the simple
# normalisation below (the letters are; see test_texts_follow_the_seed_in_order).
NOT_VERBATIM = {
    "ESQF-E-4f": "follow-up-|maatregelen: the line-final hyphen is a real one and is kept",
    "ESQF-P-10e": "the dump prints 'de-esca latie'",
    "ESQF-P-20e": "the dump prints 'internatio nale'",
    "ESQF-E-13d": "the dump prints 'onder zoeksmethoden'",
    "ESQF-E-24a": "the dump prints 'socia le'",
    "ESQF-E-37d": "the dump prints 'finan cieel'",
}


def _regions() -> dict[str, str]:
    """The seed's professional and educational parts, cut at the first page header of each."""
    prof = SEED_TEXT.index("COMPLEXITEIT")
    edu = SEED_TEXT.index("NIVEAU")
    end = SEED_TEXT.index("Hoe neemt u contact op")
    return {"professional": SEED_TEXT[prof:edu], "educational": SEED_TEXT[edu:end]}


def _normalise(text: str) -> str:
    """Spaces for U+FFFD/no-break/en spaces, "<lower>-\\n<lower>" joined, whitespace collapsed."""
    text = re.sub("[\ufffd\xa0\u2002]", " ", text)
    text = re.sub(r"(?<=[a-zë])-\n(?=[a-zë])", "", text)
    return " ".join(text.split())


def _skeleton(text: str) -> str:
    """The text without any whitespace or hyphens: what no layout choice can change."""
    return re.sub(r"[\s\ufffd\xa0\u2002-]", "", text)


def _cells(matrix: str) -> list[dict]:
    return [cell for cell in CELLS if cell["matrix"] == matrix]


# (a) every stored text comes from the seed ------------------------------------------------


@pytest.mark.parametrize("matrix", ["professional", "educational"])
def test_texts_are_verbatim_in_the_seed(matrix: str) -> None:
    """Each non-empty text is one contiguous stretch of its matrix's part of the seed, once
    line-break hyphens are undone and whitespace is collapsed (no cell is stitched together
    from fragments); NOT_VERBATIM lists the documented exceptions, which must stay needed."""
    region = _normalise(_regions()[matrix])
    for cell in _cells(matrix):
        if not cell["text"]:
            continue
        found = cell["text"] in region
        assert found != (cell["code"] in NOT_VERBATIM), (cell["code"], cell["text"])


@pytest.mark.parametrize("matrix", ["professional", "educational"])
def test_texts_follow_the_seed_in_order(matrix: str) -> None:
    """Ignoring only whitespace and hyphens, the non-empty texts occur in the seed in
    row-then-cell order, each after the previous one: nothing comes from elsewhere."""
    region = _skeleton(_regions()[matrix])
    position = 0
    for cell in sorted(_cells(matrix), key=lambda c: (c["row"], c["cell"])):
        if cell["text"]:
            found = region.find(_skeleton(cell["text"]), position)
            assert found >= 0, (cell["code"], cell["text"])
            position = found + 1


@pytest.mark.parametrize("matrix", ["professional", "educational"])
def test_texts_are_whole_seed_paragraphs(matrix: str) -> None:
    """Catches truncation too: in this dump a filled cell's text runs from its cell letter
    to the next blank line, so the bodies of the seed's paragraphs that open with cell
    letters are, in order, exactly the stored non-empty texts (the one paragraph that
    carries only a vertical group banner in capitals is skipped)."""
    region = re.sub("[\ufffd\xa0\u2002]", " ", _regions()[matrix])
    bodies = []
    for paragraph in re.split(r"\n[ \t]*\n", region):
        opening = re.match(r"[ \t]*(?:\d+[ \t]+)?(?:[a-i](?:[ \t]+|$))+", paragraph)
        if opening:
            body = _normalise(paragraph[opening.end() :])
            if body and not body.isupper():
                bodies.append(body)
    texts = [(c["code"], c["text"]) for c in _cells(matrix) if c["text"]]
    assert len(bodies) == len(texts)
    for body, (code, text) in zip(bodies, texts, strict=True):
        if code in NOT_VERBATIM:
            assert _skeleton(body) == _skeleton(text), code
        else:
            assert body == text, code


def test_area_names_come_from_the_seed() -> None:
    region = _skeleton(SEED_TEXT)
    for group in STORED["groups"]:
        assert _skeleton(group["name"]) in region
        for area in group["areas"]:
            assert _skeleton(area["name"]) in region, area["name"]


def test_every_correction_table_entry_is_used() -> None:
    seed = " ".join(re.sub("[\ufffd\xa0\u2002]", " ", SEED_TEXT).split())
    for split in esqf.SPLIT_WORD_FIXES:
        assert seed.count(split) == 1, split
    names = [area["name"] for group in STORED["groups"] for area in group["areas"]]
    for fixed in esqf.AREA_NAME_FIXES.values():
        assert any(fixed in name for name in names), fixed


# (b) every non-empty cell of the seed is present --------------------------------------------

# Counted line by line, independently of the extractor: a line opening with cell letters
# (after an optional row number) whose last letter is followed, on the same line, by text
# that is not itself a lone cell letter; and all cell letters that open a line.
FILLED_MARKER = re.compile(
    r"^[ \t]*(?:\d+[ \t]+)?(?:[a-i][ \t]+)*[a-i][ \t]+(?![a-i](?:[ \t]|$))\S", re.M
)
ANY_MARKERS = re.compile(r"^[ \t]*(?:\d+[ \t]+)?((?:[a-i](?:[ \t]+|$))+)", re.M)


@pytest.mark.parametrize("matrix", ["professional", "educational"])
def test_number_of_filled_cells_matches_the_seed(matrix: str) -> None:
    region = re.sub("[\ufffd\xa0\u2002]", " ", _regions()[matrix])
    filled = len(FILLED_MARKER.findall(region))
    assert filled == sum(1 for cell in _cells(matrix) if cell["text"])
    letters = sum(len(m.group(1).split()) for m in ANY_MARKERS.finditer(region))
    assert letters == len(_cells(matrix)) == 9 * len(ROWS)


def test_filled_cell_counts() -> None:
    assert sum(1 for cell in _cells("professional") if cell["text"]) == 203
    assert sum(1 for cell in _cells("educational") if cell["text"]) == 194


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_known_cells(code: str) -> None:
    assert BY_CODE[code]["text"] == KNOWN[code]


# (c) shape of the grid -----------------------------------------------------------------------


def test_codes_are_unique_and_well_formed() -> None:
    codes = [cell["code"] for cell in CELLS]
    assert len(codes) == len(set(codes)) == 2 * 9 * len(ROWS)
    for cell in CELLS:
        letter = "P" if cell["matrix"] == "professional" else "E"
        assert cell["code"] == f"ESQF-{letter}-{cell['row']}{cell['cell']}"


def test_nine_cells_per_row_with_their_band_and_dimension() -> None:
    bands = {"abc": ("A", "4-5"), "def": ("B", "6"), "ghi": ("C", "7")}
    for matrix in ("professional", "educational"):
        for row in ROWS:
            cells = [c for c in _cells(matrix) if c["row"] == row]
            assert [c["cell"] for c in cells] == list("abcdefghi"), (matrix, row)
            for index, cell in enumerate(cells):
                band = next(value for key, value in bands.items() if cell["cell"] in key)
                assert (cell["complexity"], cell["eqf_level"]) == band
                dimension = ("knowledge", "skill", "responsibility_autonomy")[index % 3]
                assert cell["dimension"] == dimension


def test_rows_are_numbered_1_to_37_without_the_banners() -> None:
    for matrix in ("professional", "educational"):
        assert sorted({cell["row"] for cell in _cells(matrix)}) == ROWS
    for banner in BANNERS:  # the dump prints the banner numbers on lines of their own
        assert re.search(rf"^{banner}$", SEED_TEXT, re.M)


def test_groups_and_areas() -> None:
    found = {
        group["name"]: [(area["name"], area["rows"]) for area in group["areas"]]
        for group in STORED["groups"]
    }
    assert found == GROUPS
    assert list(found) == list(GROUPS)
    for cell in CELLS:
        areas = dict(GROUPS[cell["group"]])
        assert cell["row"] in areas[cell["area"]]


def test_header_and_ordering() -> None:
    assert STORED["code"] == "ESQF"
    assert STORED["title"] == (
        "European Sectoral Qualifications Framework for asylum and reception officials"
    )
    order = [(cell["matrix"] != "professional", cell["row"], cell["cell"]) for cell in CELLS]
    assert order == sorted(order)


# (d) the data file cannot drift from the script ----------------------------------------------


def test_committed_json_equals_a_fresh_extraction() -> None:
    fresh = esqf.extract_esqf(SEED_TEXT)
    assert fresh == STORED
    assert esqf.to_json(fresh) == DATA.read_text(encoding="utf-8")


def test_main_writes_the_same_file(tmp_path: Path) -> None:
    out = tmp_path / "esqf.json"
    assert esqf.main([str(SEED), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8")


# the joining rules on their own --------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["Relevante wetge-", "ving"], "Relevante wetgeving"),
        (["van de asiel- ", "en opvangdienst"], "van de asiel- en opvangdienst"),
        (["Basisbeginselen en ", "-technieken"], "Basisbeginselen en -technieken"),
        (
            ["de nationale en ", "EU-wetgeving, be-", "leidslijnen"],
            "de nationale en EU-wetgeving, beleidslijnen",
        ),
        (["mogelijke follow-up-", "maatregelen"], "mogelijke follow-up-maatregelen"),
        (["Op\ufffdcultureel\ufffdpassen-", "de wijze"], "Op cultureel passende wijze"),
        (["en  methoden", " voor"], "en methoden voor"),
    ],
)
def test_join_cell_lines(lines: list[str], joined: str) -> None:
    assert esqf.join_cell_lines(lines) == joined


def test_join_area_lines() -> None:
    assert esqf.join_area_lines(["Conflictbeheer", "sing en bemid", "deling"]) == (
        "Conflictbeheersing en bemiddeling"
    )
    assert esqf.join_area_lines(["Informatie", "beveiliging, IT", "en databanken"]) == (
        "Informatiebeveiliging, IT en databanken"
    )
    assert esqf.join_area_lines(["Samenwerking ", "en informatie", "uitwisseling"]) == (
        "Samenwerking en informatie-uitwisseling"
    )
