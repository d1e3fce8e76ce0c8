"""What a text typed into a form may hold: a length, and no control, unassigned or invisible formatting
characters. The admin's forms and the public 'Report an error' form check their fields with it."""

from __future__ import annotations

import unicodedata

# Invisible format characters are refused too: a right-to-left override (U+202E) reversed a title on its
# page and share card. Zero-width (non-)joiners stay: some scripts need them to spell words.
_JOINERS = {"\u200c", "\u200d"}


def text_problem(value: str, limit: int, *, multiline: bool = False) -> str | None:
    if len(value) > limit:
        return f"At most {limit:,} characters."
    allowed = {"\n", "\r", "\t"} if multiline else {"\t"}
    for ch in value:
        if ch in allowed or ch in _JOINERS:
            continue
        category = unicodedata.category(ch)
        if category in {"Cc", "Cs", "Co", "Cn"}:
            return "Contains a control or unassigned character."
        if category == "Cf":
            return f"Contains an invisible formatting character (U+{ord(ch):04X}), e.g. a direction override."
    return None
