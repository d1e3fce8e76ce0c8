"""UN document symbols: reading them from sources and from users, and what they say about the session.

The UN writes resolution symbols as ``A/RES/78/183 A`` (session 31 onwards), ``A/RES/ES-10/24``
(emergency special sessions), ``A/RES/S-32/1`` (special sessions) and, before 1976, ``A/RES/3379(XXX)``
(number, then the session in Roman numerals). Voeten's data writes ``R/30/3379`` and ``R/54/54K``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.models.enums import SessionKind

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
# The last regular session whose resolutions were numbered continuously with a Roman session suffix.
LAST_ROMAN_SESSION = 30


def to_roman(number: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


def from_roman(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt and _ROMAN_VALUES[nxt] > value else value
    return total


@dataclass(frozen=True)
class SessionRef:
    kind: SessionKind
    number: int


_MODERN = re.compile(r"^A/RES/(?:(?P<kind>ES|S)-)?(?P<session>\d+)/(?P<number>\d+)(?P<parts>.*)$")
_OLD = re.compile(r"^A/RES/(?P<number>\d+)\s*\((?P<kind>ES-|S-)?(?P<session>[IVXLC]+)\)(?P<parts>.*)$")


def session_of(symbol: str) -> SessionRef | None:
    """The session a UN resolution symbol belongs to, or None if the symbol is not in UN form."""
    if m := _MODERN.match(symbol):
        return SessionRef(_kind(m["kind"]), int(m["session"]))
    if m := _OLD.match(symbol):
        return SessionRef(_kind((m["kind"] or "").rstrip("-")), from_roman(m["session"]))
    return None


def _kind(prefix: str | None) -> SessionKind:
    if prefix == "ES":
        return SessionKind.EMERGENCY_SPECIAL
    if prefix == "S":
        return SessionKind.SPECIAL
    return SessionKind.REGULAR


_VOETEN_R = re.compile(r"^R/(?P<session>\d+)/(?P<number>\d+)(?P<part>[A-Z]{0,2})(?:/(?P<suffix>[A-Z]+))?$")
_VOETEN_SPECIAL = re.compile(r"^(?P<prefix>ESS|SS)/(?P<session>\d+)")


@dataclass(frozen=True)
class VoetenSymbol:
    symbol: str  # UN form where it can be derived, else Voeten's code as given
    session: SessionRef
    section: str  # a Roman-numbered section of the text voted on separately (R/31/208/I), else ""


def from_voeten(unres: str, session: int) -> VoetenSymbol:
    """Map Voeten's ``unres`` to the UN symbol. ``session`` is Voeten's regular-session column.

    ``ESS/`` and ``SS/`` codes carry the emergency special or special session number but not the
    resolution number, so they are kept as given.
    """
    unres = unres.strip()
    regular = SessionRef(SessionKind.REGULAR, session)
    if unres.startswith("A/RES/"):
        symbol = normalize_symbol(unres) or unres
        return VoetenSymbol(symbol, session_of(symbol) or regular, "")
    if m := _VOETEN_R.match(unres):
        sess, number = int(m["session"]), int(m["number"])
        part, suffix = m["part"], m["suffix"] or ""
        if len(suffix) == 1 and suffix not in "IVX" and not part:
            part, suffix = suffix, ""  # R/42/70/A: a lettered part written after a slash
        base = f"A/RES/{number}({to_roman(sess)})" if sess <= LAST_ROMAN_SESSION else f"A/RES/{sess}/{number}"
        symbol = f"{base} {part}" if part else base
        return VoetenSymbol(symbol, SessionRef(SessionKind.REGULAR, sess), suffix)
    if m := _VOETEN_SPECIAL.match(unres):
        kind = SessionKind.EMERGENCY_SPECIAL if m["prefix"] == "ESS" else SessionKind.SPECIAL
        return VoetenSymbol(unres, SessionRef(kind, int(m["session"])), "")
    return VoetenSymbol(unres, regular, "")


_PART = re.compile(r"^(?P<body>.*?\d|.*?\))\s*(?P<part>[A-Z](?:-[A-Z])?)$")


def normalize_symbol(text: str) -> str | None:
    """Read a resolution symbol as a user or a source writes it; None if it cannot be one.

    ``es-10/24``, ``A/RES/ES-10/24``, ``res/74/7``, ``78/183a``, ``3379 (XXX)`` all normalise to UN form.
    """
    s = re.sub(r"\s+", " ", text.strip().upper())
    s = re.sub(r"\s*/\s*", "/", s)
    if not s or len(s) > 64:
        return None
    if s.startswith("RES/"):
        s = "A/" + s
    elif not s.startswith("A/RES/"):
        s = "A/RES/" + s
    s = re.sub(r"\s*\(\s*", "(", s)
    s = re.sub(r"\s*\)", ")", s)
    if m := _PART.match(s):
        s = f"{m['body']} {m['part']}"
    return s if (_MODERN.match(s) or _OLD.match(s)) else None


def undocs_url(symbol: str) -> str | None:
    """Link to the document on undocs.org (parts share one document)."""
    ref = session_of(symbol)
    if ref is None:
        return None
    base = re.sub(r" [A-Z](?:-[A-Z])?$", "", symbol)
    return f"https://undocs.org/{base}"
