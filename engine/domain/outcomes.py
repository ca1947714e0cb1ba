"""Outcome codes: parsing and ordering (ESQF-E-18e is matrix E, row 18, cell e)."""

from __future__ import annotations

import re

CODE = re.compile(r"^(?P<framework>[A-Z]+)-(?P<matrix>[EP])-(?P<row>\d+)(?P<cell>[a-i])$")


def sort_key(code: str) -> tuple:
    """Order codes as the framework prints them: by matrix, row number, then cell."""
    match = CODE.match(code)
    if not match:
        return (1, code)
    return (0, match["framework"], match["matrix"], int(match["row"]), match["cell"])
