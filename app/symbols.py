"""UN document symbols: reading them from sources and from users, and what they say about the session.

The UN writes resolution symbols as ``A/RES/78/183 A`` (session 31 onwards), ``A/RES/ES-10/24``
(emergency special sessions), ``A/RES/S-32/1`` (special sessions) and, before 1976, ``A/RES/3379(XXX)``
(number, then the session in Roman numerals; ``A/RES/106(S-1)`` and ``A/RES/1001(ES-I)`` for the special
and emergency special sessions of those years). A resolution voted in parts adds the part after a space:
a letter (``A/RES/39/148 A``), a Roman section (``A/RES/41/209 III``) or both (``A/RES/33/116 B-IX``).
Decisions are ``A/DEC/80/506``.

Sources and users write the same symbols in other ways: the UN Digital Library puts parts in brackets
(``A/RES/181(II)[A]``) or glues them on (``A/RES/38/35A``), users add spaces (``A/RES/181 (II) A``) or leave
out the prefix (``181(II)``, ``es-10/24``). ``parse_symbol`` reads all of these, and ``Symbol.canonical``
writes the one form pages show. Voeten's data writes ``R/30/3379`` and ``R/54/54K`` (``from_voeten``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from app.models.enums import SessionKind
from app.models.resolution import Resolution

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
# The last regular session whose resolutions were numbered continuously with a Roman session suffix.
LAST_ROMAN_SESSION = 30
# The first two special sessions are written with Arabic numerals in the UN's own symbols: 106 (S-1).
_ARABIC_SPECIAL = 2


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


_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIX.get(number % 10, "th")
    return f"{number}{suffix}"


def session_label(resolution: Resolution) -> str:
    """'79th session', '10th emergency special session', '32nd special session' (also a Jinja filter)."""
    n = resolution.session_number
    if resolution.session_kind is SessionKind.EMERGENCY_SPECIAL:
        return f"{ordinal(n)} emergency special session"
    if resolution.session_kind is SessionKind.SPECIAL:
        return f"{ordinal(n)} special session"
    return f"{ordinal(n)} session"


@dataclass(frozen=True)
class SessionRef:
    kind: SessionKind
    number: int


_PREFIX = {"ES": SessionKind.EMERGENCY_SPECIAL, "S": SessionKind.SPECIAL, "": SessionKind.REGULAR}
_PREFIX_OF = {kind: prefix for prefix, kind in _PREFIX.items()}

# A part as written after the number: letters (A, AA), a Roman section (IV), both (B-IX), a range of
# parts voted as one (A-C), and the Library's rarer labels ([SectionII], [PARA.1], [RULE-73]).
_PART = (
    r"(?:SECTION ?(?:[IVXL]+)|PARA\. ?\d+|RULE-?(?:\d+|[A-Z])"
    r"|[A-Z]{1,2}(?:-(?:[A-Z]|[IVXL]+))?|[IVXL]+)"
)
_MODERN = re.compile(
    rf"^A/(?P<doc>RES|DEC)/(?:(?P<kind>ES|S)-)?(?P<session>\d{{1,3}})/(?P<number>\d{{1,5}})"
    rf"(?: ?\[(?P<bracket>{_PART})\]| ?(?P<part>{_PART}))?$"
)
_OLD = re.compile(
    rf"^A/RES/(?P<number>\d{{1,5}}) ?\((?:(?P<kind>ES|S)-)?(?P<session>[IVXLC]+|\d{{1,2}})\)"
    rf"(?: ?\[(?P<bracket>{_PART})\]| ?(?P<part>{_PART}))?$"
)


_SPACES = re.compile(r"\s+")
_SLASHES = re.compile(r" ?/+ ?")
_OPENING = re.compile(r" ?\( ?")


@dataclass(frozen=True)
class Symbol:
    """A UN resolution or decision symbol, read from any of the forms in the module docstring."""

    document: str  # "RES" or "DEC"
    session: SessionRef
    number: int
    part: str  # "" for the whole text
    roman: bool  # written "number (session)" as before 1976

    @property
    def base(self) -> str:
        """The symbol without its part: the document all parts share."""
        prefix = _PREFIX_OF[self.session.kind]
        if self.roman:
            session = (
                str(self.session.number)
                if self.session.kind is SessionKind.SPECIAL and self.session.number <= _ARABIC_SPECIAL
                else to_roman(self.session.number)
            )
            return f"A/RES/{self.number}({prefix + '-' if prefix else ''}{session})"
        return f"A/{self.document}/{prefix + '-' if prefix else ''}{self.session.number}/{self.number}"

    @property
    def canonical(self) -> str:
        return f"{self.base} {self.part}" if self.part else self.base


def _clean_part(part: str | None) -> str:
    if not part:
        return ""
    if part.startswith("SECTION"):
        return "SECTION " + part.removeprefix("SECTION").strip()
    if part.startswith("PARA"):
        return "PARA." + part.removeprefix("PARA").strip(". ")
    if part.startswith("RULE"):
        return "RULE-" + part.removeprefix("RULE").strip("-")
    return part


@functools.lru_cache(maxsize=16384)  # an import reads each of some 8,000 symbols several times
def parse_symbol(text: str) -> Symbol | None:
    """Read a resolution or decision symbol as a user or a source writes it; None if it cannot be one.

    ``es-10/24``, ``A/RES/ES-10/24``, ``res/74/7``, ``78/183a``, ``3379 (XXX)``, ``A/RES/181(II)[A]``,
    ``A/RES/181 (II) A`` all read. Numbers that cannot exist (session 0, a resolution 0) are refused; the
    Library's one doubled slash (``A/RES/36//235IX``) is read as one.
    """
    s = _SPACES.sub(" ", text.strip().upper())
    if not s or len(s) > 64 or not s.isascii():
        return None
    s = _SLASHES.sub("/", s)
    s = _OPENING.sub(" (", s).replace(" )", ")")
    s = s.replace("[ ", "[").replace(" ]", "]")
    if s.startswith("RES/") or s.startswith("DEC/"):
        s = "A/" + s
    elif not s.startswith("A/"):
        s = "A/RES/" + s
    if m := _MODERN.match(s):
        kind = _PREFIX[m["kind"] or ""]
        session, document = int(m["session"]), m["doc"]
        roman = False
    elif m := _OLD.match(s):
        kind = _PREFIX[m["kind"] or ""]
        raw = m["session"]
        session = int(raw) if raw.isdigit() else from_roman(raw)
        document, roman = "RES", True
        if not raw.isdigit() and to_roman(session) != raw:
            return None  # "IIII" is not a numeral
    else:
        return None
    number = int(m["number"])
    if session < 1 or number < 1 or (roman and kind is SessionKind.REGULAR and session > LAST_ROMAN_SESSION):
        return None
    return Symbol(document, SessionRef(kind, session), number, _clean_part(m["bracket"] or m["part"]), roman)


def normalize_symbol(text: str) -> str | None:
    """The canonical form of a symbol as a user or a source writes it; None if it cannot be one."""
    symbol = parse_symbol(text)
    return symbol.canonical if symbol else None


def session_of(symbol: str) -> SessionRef | None:
    """The session a UN symbol belongs to, or None if the symbol is not in UN form."""
    parsed = parse_symbol(symbol)
    return parsed.session if parsed else None


def base_symbol(symbol: str) -> str | None:
    """The symbol without its part (``A/RES/181(II) A`` -> ``A/RES/181(II)``); None if not a symbol."""
    parsed = parse_symbol(symbol)
    return parsed.base if parsed else None


_VOETEN_R = re.compile(r"^R/(?P<session>\d+)/(?P<number>\d+)(?P<part>[A-Z]{0,2})(?:/(?P<suffix>[A-Z]+))?$")
_VOETEN_SPECIAL = re.compile(r"^(?P<prefix>ESS|SS)/(?P<session>\d+)")


@dataclass(frozen=True)
class VoetenSymbol:
    symbol: str  # UN form where it can be derived, else Voeten's code as given
    session: SessionRef
    section: str  # a Roman-numbered section of the text voted on separately (R/31/208/I), else ""


def from_voeten(unres: str, session: int) -> VoetenSymbol:
    """Map Voeten's ``unres`` to the UN symbol it names. ``session`` is Voeten's regular-session column.

    Only a guide: for sessions 1 to 17 ``unres`` points into the Official Records rather than naming a
    resolution, and later numbers are sometimes off by a few; the import matches Voeten's roll calls to
    the UN's records by the votes themselves (app.ingest.matching). ``ESS/`` and ``SS/`` codes carry the
    session but not the resolution number, so they are kept as given.
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


def undocs_url(symbol: str) -> str | None:
    """Link to the document on undocs.org (parts share one document)."""
    parsed = parse_symbol(symbol)
    if parsed is None or parsed.canonical != symbol:
        return None  # only for a symbol the record really carries, in UN form
    return f"https://undocs.org/{parsed.base}"
