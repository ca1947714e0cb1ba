"""Extract the EUAA ESQF matrices from the Dutch PDF text dump into structured data.

The seed ``item_bank/sources/000_4f0e911cdfd23c21.txt`` is a text dump of the Dutch
"European Sectoral Qualifications Framework for asylum and reception officials".  After a
one-page introduction it prints two matrices over the same grid:

* the professional standards (running title "Beroepsnormen ...", page header
  "COMPLEXITEIT A B C"), and
* the educational standards (running title "Opleidingsnormen ...", page header
  "NIVEAU Niveau 4-5 Niveau 6 Niveau 7").

Grid: three groups (banners in capitals), competence areas, rows numbered 1..37 across the
document (14 and 28 are group banners without cells) and nine cells a..i per row.  Cells
a-c are complexity A / EQF 4-5, d-f are B / 6, g-i are C / 7; within a band the cells are
knowledge, skill, responsibility_autonomy.  Each matrix is parsed on its own.

How the dump is read (rules, checked by eye against the seed):

* Layout noise is dropped: page-header blocks (from a COMPLEXITEIT/NIVEAU/LEVEL line
  through its column-header lines), running titles, group-banner lines (capitals only)
  and the bare banner row numbers.  U+FFFD, no-break and en spaces in the dump stand for
  ordinary spaces.
* A cell starts a paragraph with its letter, optionally preceded by the row number;
  empty cells are bare letters ("f   g Tekst..." is an empty f and a g).  The letters of
  a row must run a..i, else extraction fails loudly.
* Line-break hyphenation in cells: a line ending in "<lower-case letter>-" with no
  trailing space, followed by a line starting in lower case, is one word broken by the
  layout, so the hyphen is dropped ("wetge-" + "ving" -> "wetgeving").  A line ending
  in "- " (hyphen, then a space) is a real hyphen before a word boundary and is kept
  ("asiel- " + "en opvang" -> "asiel- en opvang"); a hyphen after a capital or digit is
  kept ("EU-"), and so is a line-final hyphen after a word in KEEP_HYPHEN_BEFORE
  (real compound hyphens that fall at a line end).  A line starting with "-" keeps it
  ("en" + "-technieken" -> "en -technieken").  Whitespace is then collapsed.
* Area names (first column) lost their hyphens in the dump: a line ending in a
  lower-case letter with no trailing space, followed by a lower-case line, was broken
  inside a word ("Conflictbeheer" + "sing" -> "Conflictbeheersing").
* What no rule can restore is fixed by the small tables SPLIT_WORD_FIXES and
  AREA_NAME_FIXES below, each entry with its reason.

Run ``python -m engine.domain.esqf_extract [SEED_PATH] [OUT_PATH]`` (or, without the app's
dependencies installed, ``python engine/domain/esqf_extract.py ...``); the defaults are the
seed above and ``item_bank/frameworks/esqf.json``.  Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

CODE = "ESQF"
TITLE = "European Sectoral Qualifications Framework for asylum and reception officials"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEED = REPO_ROOT / "item_bank" / "sources" / "000_4f0e911cdfd23c21.txt"
DEFAULT_OUT = REPO_ROOT / "item_bank" / "frameworks" / "esqf.json"

LETTERS = "abcdefghi"
BANDS = (("A", "4-5"), ("B", "6"), ("C", "7"))
DIMENSIONS = ("knowledge", "skill", "responsibility_autonomy")
# (code letter, matrix name, regex of the first page header of that matrix)
MATRICES = (
    ("P", "professional", re.compile(r"COMPLEXITEIT\b")),
    ("E", "educational", re.compile(r"NIVEAU\b")),
)
END_OF_MATRICES = re.compile(r"Hoe neemt u contact op met de EU\?")

# Characters the dump uses where the PDF has a plain space.
SPACE_LIKE = str.maketrans({"\ufffd": " ", "\xa0": " ", "\u2002": " "})

HEADER_START = re.compile(r"(?:COMPLEXITEIT|NIVEAU|LEVEL)\b")
HEADER_LINE = re.compile(
    r"(?:COMPLEXITEIT|NIVEAU|LEVEL)\b.*|Competentiegebied|Competence|Area|van:|kennis van:"
    r"|Brede basiskennis|Grondige kennis|Zeer gespecialiseerde|In staat om:.*"
    r"|(?:Kennis|Knowledge)\b.*|(?:de)?lijkheid om:|(?:heid )?en autonomie|Autonomy"
)
RUNNING_TITLE = re.compile(
    r"(?:Beroeps|Opleidings|Onderwijs)normen voor asiel- en opvangambtenaren"
)
GROUP_LINE = re.compile(r"(?:[A-Z]+ )?COMPETENTIES OP HET GEBIED VAN [A-Z ]+")
BANNER_WORDS = frozenset(
    "ALGEMENE SPECIFIEKE COMPETENTIES OP HET GEBIED VAN ASIEL EN OPVANG TOEZICHT MANAGEMENT".split()
)
CELL_START = re.compile(r"(?:(\d{1,2})\s+)?([a-i])(?:\s+|$)")
MARKER = re.compile(r"([a-i])(?:\s+|$)")

# Words whose hyphen is a real compound hyphen even where it falls at a line end.
KEEP_HYPHEN_BEFORE = frozenset({"follow-up"})  # E-4f "follow-up-maatregelen"

# Words the dump splits with a space inside one line (letter-spacing in justified text; the
# PDF prints them whole).  Each entry occurs once, in the cell named in the comment.
SPLIT_WORD_FIXES = {
    "internatio nale": "internationale",  # P-20e "een verzoek om internationale bescherming"
    "de-esca latie": "de-escalatie",  # P-10e, cf. E-10e which prints "de-escalatie"
    "onder zoeksmethoden": "onderzoeksmethoden",  # E-13d
    "socia le": "sociale",  # E-24a "de oorzaken van sociale problemen"
    "finan cieel": "financieel",  # E-37d "financieel beheer", cf. P-37d
}

# Hyphens the dump dropped from area names where the join rule cannot restore them.
AREA_NAME_FIXES = {
    # The break falls at the real hyphen of "informatie-uitwisseling" (spelled so in P/E-5d).
    "informatieuitwisseling": "informatie-uitwisseling",
    # "Kwaliteitsborging van het asiel- en opvangproces": P prints "asiel  en" (the hyphen
    # glyph lost, its space kept), E "asiel en"; cells print "asiel- en opvang..." throughout.
    "asiel en opvangproces": "asiel- en opvangproces",
}


def collapse(text: str) -> str:
    """Map the dump's space-like characters to spaces and collapse whitespace runs."""
    return " ".join(text.translate(SPACE_LIKE).split())


def join_cell_lines(lines: list[str]) -> str:
    """Join the printed lines of one cell, undoing line-break hyphenation (module rules)."""
    out = ""
    for raw in lines:
        line = raw.translate(SPACE_LIKE)
        if not out.strip():
            out = line
            continue
        nxt = line.lstrip()
        hyphen = re.search(r"(\S*)-$", out)
        if hyphen and nxt[:1].isalpha():
            word = hyphen.group(1)
            broken = word[-1:].islower() and nxt[:1].islower()
            if broken and word.lower() not in KEEP_HYPHEN_BEFORE:
                out = out[:-1] + nxt
            else:
                out = out + nxt
        else:
            out = out + " " + nxt
    text = collapse(out)
    for split, whole in SPLIT_WORD_FIXES.items():
        text = text.replace(split, whole)
    return text


def join_area_lines(lines: list[str]) -> str:
    """Join the lines of an area name; a lower-case break with no trailing space is in-word."""
    out = ""
    for raw in lines:
        line = raw.translate(SPACE_LIKE)
        nxt = line.lstrip()
        if out[-1:].islower() and nxt[:1].islower():
            out = out + nxt
        else:
            out = out + " " + nxt
    name = collapse(out)
    for lost, fixed in AREA_NAME_FIXES.items():
        name = name.replace(lost, fixed)
    return name


def _next(letter: str) -> str:
    """The cell letter after ``letter`` ("a" after none, "" after "i")."""
    return LETTERS[LETTERS.index(letter) + 1 :][:1] if letter else "a"


Block = str | int | list[str]  # group name, banner row number, or the lines of a paragraph


def _blocks(lines: list[str]) -> list[Block]:
    """Drop layout noise and cut the rest into blocks (see ``Block``)."""
    blocks: list[Block] = []
    para: list[str] = []
    in_header = False

    def flush() -> None:
        if para:
            blocks.append(list(para))
            para.clear()

    for raw in lines:
        text = collapse(raw)
        if in_header and (not text or HEADER_LINE.fullmatch(text)):
            continue
        in_header = False
        if HEADER_START.match(text):
            flush()
            in_header = True
        elif not text:
            flush()
        elif RUNNING_TITLE.fullmatch(text):
            flush()
        elif GROUP_LINE.fullmatch(text):
            flush()
            blocks.append(text)
        elif text.isdigit():
            flush()
            blocks.append(int(text))
        elif all(word in BANNER_WORDS for word in text.split()):
            continue  # a line of a vertical group banner
        else:
            para.append(raw.rstrip("\n"))
    flush()
    return blocks


def parse_matrix(lines: list[str]) -> tuple[list[dict], list[int], dict[int, dict[str, str]]]:
    """Parse one matrix: (groups with areas and rows, banner rows, {row: {letter: text}})."""
    groups: list[dict] = []
    banners: list[int] = []
    rows: dict[int, dict[str, list[str]]] = {}
    row: int | None = None
    letter = ""
    for value in _blocks(lines):
        if isinstance(value, str):
            groups.append({"name": value, "areas": []})
        elif isinstance(value, int):
            banners.append(value)
        else:
            para = value
            first = para[0].translate(SPACE_LIKE).lstrip()
            start = CELL_START.match(first)
            if not start:
                if not groups:
                    raise ValueError(f"area before any group: {para!r}")
                groups[-1]["areas"].append({"name": join_area_lines(para), "rows": []})
                continue
            if start.group(1):
                row, letter = int(start.group(1)), ""
                if row in rows or not groups or not groups[-1]["areas"]:
                    raise ValueError(f"row {row} repeated or outside an area")
                rows[row] = {}
                groups[-1]["areas"][-1]["rows"].append(row)
            if row is None:
                raise ValueError(f"cell before any row: {para!r}")
            rest = first[len(start.group(1) or "") :].lstrip()
            consumed = 0
            while (marker := MARKER.match(rest)) and marker.group(1) == _next(letter):
                letter = marker.group(1)
                rows[row][letter] = []
                rest = rest[marker.end() :]
                consumed += 1
            if not consumed:
                raise ValueError(f"row {row}: cell letter out of order in {para!r}")
            rows[row][letter].extend(part for part in [rest, *para[1:]] if part.strip())
    cells: dict[int, dict[str, str]] = {}
    for number, found in rows.items():
        if "".join(found) != LETTERS:
            raise ValueError(f"row {number}: cells {''.join(found)!r}, expected {LETTERS!r}")
        cells[number] = {key: join_cell_lines(text) for key, text in found.items()}
    return groups, banners, cells


def split_matrices(text: str) -> dict[str, list[str]]:
    """Cut the dump into the lines of each matrix, keyed by matrix name."""
    lines = text.splitlines()
    starts = []
    for _, name, header in MATRICES:
        index = next(i for i, line in enumerate(lines) if header.match(collapse(line)))
        starts.append((index, name))
    end = next((i for i, line in enumerate(lines) if END_OF_MATRICES.match(collapse(line))), None)
    starts.sort()
    bounds = [index for index, _ in starts[1:]] + [len(lines) if end is None else end]
    return {name: lines[index:stop] for (index, name), stop in zip(starts, bounds, strict=True)}


def extract_esqf(text: str) -> dict:
    """Return the ESQF grid and every cell of both matrices (see the module docstring)."""
    regions = split_matrices(text)
    grid: list[dict] | None = None
    records: list[dict] = []
    for code, name, _ in MATRICES:
        groups, banners, cells = parse_matrix(regions[name])
        numbers = sorted([*cells, *banners])
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"{name}: rows and banners are not numbered 1..n: {numbers}")
        if grid is None:
            grid = groups
        elif groups != grid:
            raise ValueError(f"{name}: groups, areas or rows differ from the first matrix")
        where = {
            row: (group["name"], area["name"])
            for group in groups
            for area in group["areas"]
            for row in area["rows"]
        }
        for row in sorted(cells):
            for index, letter in enumerate(LETTERS):
                complexity, eqf_level = BANDS[index // 3]
                records.append(
                    {
                        "code": f"{CODE}-{code}-{row}{letter}",
                        "matrix": name,
                        "group": where[row][0],
                        "area": where[row][1],
                        "row": row,
                        "cell": letter,
                        "complexity": complexity,
                        "eqf_level": eqf_level,
                        "dimension": DIMENSIONS[index % 3],
                        "text": cells[row][letter],
                    }
                )
    return {"code": CODE, "title": TITLE, "groups": grid or [], "cells": records}


def to_json(data: dict) -> str:
    """Serialise extracted data the way the committed data file is written."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m engine.domain.esqf_extract [SEED_PATH] [OUT_PATH]``."""
    parser = argparse.ArgumentParser(description="Extract the ESQF matrices into JSON.")
    parser.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED)
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data = extract_esqf(args.seed.read_text(encoding="utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_json(data), encoding="utf-8")
    filled = sum(1 for cell in data["cells"] if cell["text"])
    print(f"wrote {len(data['cells'])} cells ({filled} non-empty) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
