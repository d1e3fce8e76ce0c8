"""Text folding shared by the import (matching the sources' spellings) and the read side (search by name)."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_SPACES = re.compile(r"\s+")


def fold(name: str) -> str:
    """The matching key of a name: no accents, straight apostrophes, case-folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
