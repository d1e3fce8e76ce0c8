"""Titles for roll calls that Voeten's data describes only with a passage of the meeting record.

About 420 roll calls added to the dataset later (ids 5640-6058, sessions 52-73: separate votes on
paragraphs and amendments, no-action motions, a few whole texts) have no title: their ``descr`` is what
the presiding officer said before the vote, cut off at "A recorded vote has been requested. A":

    The Acting President: Draft resolution D is entitled_Nuclear disarmament with a view to the
    ultimate 10 69th plenary meeting 1 December 1999 elimination of nuclear weapons<d3>. Separate votes
    have been requested on ... I shall first put to the vote the second preambular paragraph ...

Shown as a title, that is a wall of text on every page, list, feed and share card. The passage stays
(as the description, its quote marks decoded); the title is read from it, never guessed:

* the name of the draft voted on, where the President announced it ("Draft resolution D is entitled
  _..._"), skipping drafts the passage shows adopted before the vote, and
* what was put to the vote, where the passage says so ("operative paragraph 4 (b)", "the amendment
  contained in document A/55/L.70", "the motion ... that no action be taken on draft resolution III"),

giving "Nuclear disarmament ... (separate vote on the second preambular paragraph)". Where the passage
names no draft the caller passes the text's title from the other roll calls on the same symbol. Where
nothing is found, the passage's first sentence is kept, shortened.

The source's quirks: PDF text extraction lost spaces ("beenrequested", "Theright to development") and
kept page furniture ("13General Assembly Fifty-fourth session", "06-66966 A/61/PV.81"); the quote
marks came through a Mac encoding as ``_`` (opening) and ``<d3>`` (closing), the apostrophe as ``<90>``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from app.models.enums import DecisionKind

# "The President:", "The Acting President (spoke in French):", "The President (interpretation from
# Spanish):", once with the colon lost; one passage starts with the President's words themselves.
_SPEAKER = re.compile(
    r"^\s*(?:The (?:Acting )?President\s*(?:\((?:spoke in|interpretation from) [A-Za-z]+\))?\s*"
    r"(?::\s*|(?=I |We ))|(?=I (?:shall|now) (?:now )?put\b))"
)
# Page furniture the extraction left inside sentences, with the page number glued on in front.
_FURNITURE = re.compile(
    r"\s*(?:\b\d{2}-\d{5}\S*"  # job numbers: 06-66966, 17-4670211/24
    r"|\d*A/\d+/PV\.\d+"  # the meeting record's symbol: 15A/59/PV.66
    r"|\d*\s*General Assembly [A-Z][a-z]+(?:-[a-z]+)? session"
    r"|\d*\s*\d+(?:st|nd|rd|th) plenary meeting \d{1,2} [A-Z][a-z]+ \d{4})(?=\s|$)"
)
_OPEN, _CLOSE = "\u201c", "\u201d"
# An underscore opens a quotation when a closing mark follows before any other underscore.
_OPENING = re.compile(rf"_\s*(?=[^\s_{_CLOSE}][^_{_CLOSE}]*{_CLOSE})")
_DASH = re.compile(r"(?<=\s)_(?=\s)")
# Once the closing mark is lost: "the words _and South in operative paragraph 3".
_UNCLOSED = re.compile(rf"_\s*([^_{_CLOSE}]+?)(?=\s+(?:in|of|at)\s)")

_DRAFT = r"[Dd]raft\s*(?:resolution|decision)"
_DESIGNATOR = r"[IVXLC]+\b|[A-Z]{1,2}\b|A/[\w./]+\w"
# "Draft resolution D is entitled _...<d3>", "draft resolution I, entitled", "Draft resolution IV is
# _...<d3>", and once "is entitled girl child<d3>" with the opening mark lost.
_NAMED = re.compile(
    rf"{_DRAFT}\s*(?P<draft>{_DESIGNATOR})?\s*,?\s*(?:(?:is\s*)?entitled\s*:?\s*{_OPEN}?|is\s*{_OPEN})"
    rf"(?P<name>[^{_OPEN}{_CLOSE}]{{3,400}}?)\s*{_CLOSE}"
)
# The named draft was dealt with before this vote: "Draft resolution C was adopted (resolution 54/54 C)".
_ADOPTED = re.compile(rf"\badopted\s*\((?:resolution|decision)\b|{_DRAFT}[^.]{{0,40}}?\bwas adopted")

# Where the passage says what is put to the vote. The object ends at the first of these.
_END = (
    r"(?=,?\s*on\s*(?:with\s*)?w\w{2,3}ch|\.(?:\s|$)|,\s*(?:which|entitled|recommended)"  # "on wihch" too
    r"|\s*A\s*recorded|\s*\bto\s*the\s*vote|$)"
)
_OBJECT = rf"[\s,]*(?:(?:together|jointly|first),?\s*)?(?P<object>.+?){_END}"
_VOTE_ON = [
    # "put to the vote X", "put tovote X", "putthe vote X", "firstto the vote X"
    re.compile(r"(?:put\s*(?:to\s*)?(?:the\s*|a\s*)*|to\s*(?:the\s*|a\s*)+)vote" + _OBJECT),
    re.compile(r"\bput\s+(?!to\b)(?P<object>.{3,200}?)\s*to\s*the\s*vote"),  # "put X to the vote"
    re.compile(r"(?<!not to )take\s*(?:a\s*decision|action)\s*(?:first\s*)?on" + _OBJECT),
    re.compile(
        r"(?:will|shall)\s*(?:now\s*|first\s*|next\s*)?(?:take\s*a\s*(?:recorded\s*)?)?vote\s*on" + _OBJECT
    ),
    # "A separate, recorded vote has been requested on X" (one vote: "Separate votes" lists several).
    re.compile(r"(?<![Vv]otes )\bvote\s*has\s*(?:also\s*)?been\s*requested\s*(?:jointly\s*)?on" + _OBJECT),
]
# Several texts at once, or words that point back to an object named earlier.
_NOT_ONE_OBJECT = re.compile(
    r"\bone by one\b|\bany or all\b|\bdraft\s*resolutions\b|\bthat paragraph\b|\bthose\b"
    r"|^\W*$|^(?:first|A|the motion)$"
)
# "... of draft resolution XII", "of the draft resolutionrecommended by ...", "of draft 26 resolution XXX".
_OF_THE_DRAFT = re.compile(
    r"\s*,?\s*(?:(?:of|in|to)\s*(?:the\s*)?|,\s*)[Dd]raft\s*(?:\d+\s*)?(?:resolution|decision).*$"
    r"|,\s*resolution\s+\S+$"
)
_OF_DRAFT = re.compile(rf"of (?:the )?{_DRAFT}\s*({_DESIGNATOR})")
# The few words of the objects, for re-spacing "operativeparagraph", "paragraphof", "thefourth".
_OBJECT_WORDS = frozenset(
    re.findall(
        r"\w+",
        """the of in at on and to as a whole end last words operative preambular preamble paragraph
        paragraphs sub subparagraph section part first second third fourth fifth sixth seventh eighth
        ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth
        nineteenth twentieth thirtieth""",
    )
)
_STRAY_PAGE_NUMBER = re.compile(r"(?<=[a-z]) \d{1,2} (?=[A-Z][a-z])")  # "Inalienable 6 Rights"
_BROKEN_HYPHEN = re.compile(r"(?<=\w)- (?!(?:and|or|to)\b)(?=\w)")  # "Follow- up", "nuclear- weapon"
FIRST_SENTENCE_LENGTH = 120


class Voted(enum.Enum):
    """What a passage says was put to the vote."""

    PART = "part"  # paragraphs, words, a section: a separate vote
    AMENDMENT = "amendment"
    MOTION = "motion"
    WHOLE = "whole"  # the draft as a whole


@dataclass(frozen=True)
class Reading:
    """What a meeting-record passage says about its vote, cleaned; empty strings where it is silent."""

    name: str  # the title of the draft voted on
    draft: str  # the draft's designator in the meeting ("D", "XII", "A/58/L.47"), where it says
    voted: Voted | None
    object: str  # what was put to the vote ("operative paragraph 4 (b)")
    first_sentence: str


def is_transcript(text: str) -> bool:
    """True for a passage of a meeting record rather than a title or a description of a motion."""
    return _SPEAKER.match(text) is not None


def clean_transcript(text: str) -> str:
    """The passage with the source's quote marks decoded (kept otherwise as it is, typos included)."""
    text = text.replace("<d3>", _CLOSE).replace("<90>", "\u2019")
    text = _DASH.sub("\u2013", _OPENING.sub(_OPEN, text))
    return " ".join(text.split())


def read_transcript(text: str, vocabulary: frozenset[str] = frozenset()) -> Reading:
    """Read a passage (see the module's docstring). ``vocabulary``: casefolded words of known titles, to
    put back the spaces the extraction lost ("Theright" -> "The right") where both halves are words."""
    plain = _FURNITURE.sub("", clean_transcript(text))
    plain = _SPEAKER.sub("", plain, count=1)
    name = draft = ""
    for found in _NAMED.finditer(plain):
        candidate = found["name"].strip(" .,")
        if ". " in candidate or _ADOPTED.search(plain, found.end()):
            continue
        name, draft = candidate, found["draft"] or ""
    if not name:  # "I shall now put to the vote operative paragraph 4 (b) of draft resolution I"
        draft = next(reversed(_OF_DRAFT.findall(plain)), "")
    if name:
        name = _respace(_STRAY_PAGE_NUMBER.sub(" ", _BROKEN_HYPHEN.sub("-", name)), vocabulary)
        name = name[0].upper() + name[1:]
    voted, object_ = _voted_on(plain)
    object_ = _respace(_BROKEN_HYPHEN.sub("-", object_), _OBJECT_WORDS | vocabulary)
    object_ = re.sub(r"(?<=paragraph)(?=\d)|(?<=paragraphs)(?=\d)", " ", object_)  # "paragraph4 (b)"
    object_ = _UNCLOSED.sub(rf"{_OPEN}\1{_CLOSE}", object_)
    return Reading(name, draft, voted, object_, _first_sentence(plain))


def transcript_title(reading: Reading, kind: DecisionKind, text_title: str = "") -> str:
    """The title for a roll call so described: the draft's name (the passage's own, else ``text_title``,
    the text's title known from other roll calls on its symbol), then what was voted on in brackets.
    The roll call's kind stands in where the passage does not say what was voted on, or says the whole
    text though the importer took another roll call as the adoption (``DecisionKind.SEPARATE``)."""
    name = reading.name or text_title
    if reading.voted is Voted.PART:
        what = f"separate vote on {reading.object}"
    elif reading.voted in (Voted.AMENDMENT, Voted.MOTION):
        what = f"vote on {reading.object}"
    elif reading.voted is None and name and kind is DecisionKind.PARAGRAPH:
        what = "separate vote"
    elif reading.voted is None and name and kind is DecisionKind.AMENDMENT:
        what = "vote on an amendment"
    elif name and kind is DecisionKind.SEPARATE:  # not the adoption: do not read as the text itself
        what = "another vote on the text"
    else:
        what = ""
    if name:
        return f"{name} ({what})" if what else name
    if what:
        return what[0].upper() + what[1:]
    return reading.first_sentence


def _voted_on(plain: str) -> tuple[Voted | None, str]:
    """The last object put to the vote that reads as one part, amendment, motion or text. The whole
    text counts only when nothing follows it: before an unreadable object ("the amendments ..., one by
    one") it is an earlier step of the meeting."""
    found = sorted(
        (match.start(), match["object"]) for pattern in _VOTE_ON for match in pattern.finditer(plain)
    )
    for later, (_, object_) in enumerate(reversed(found)):
        object_ = re.sub(r"^(?:first|jointly)\s+", "", object_.strip(" ,"))
        if _NOT_ONE_OBJECT.search(object_):
            continue
        if "motion" in object_:
            return Voted.MOTION, _shorter(object_)
        if re.match(rf"(?:the\s*)?{_DRAFT}", object_):
            return (Voted.WHOLE, "") if later == 0 else (None, "")
        if re.search(r"amendment|\bproposal\b", object_):
            return Voted.AMENDMENT, _shorter(_OF_THE_DRAFT.sub("", object_))
        if re.search(r"paragraph|preambular|\bwords?\b|\bsection\b|\bpart\b", object_):
            return Voted.PART, _OF_THE_DRAFT.sub("", object_)
    return None, ""


def _shorter(object_: str) -> str:
    """The same words less the formulas: "submitted by the representative of Kuwait" -> "by Kuwait"."""
    object_ = re.sub(r"\b(?:submitted|proposed|put forward|moved)\s*by\b", "by", object_)
    object_ = re.sub(r"\bby the representative\s*of\s+", "by ", object_)
    object_ = re.sub(r"\b(?:contained|circulated) in(?: documents?)?\b", "in", object_)
    return " ".join(object_.replace(", namely,", "").split())


def _respace(text: str, vocabulary: frozenset[str]) -> str:
    """Split each unknown word that is two known ones run together ("takenon": "taken on", not "take non")."""

    def split(match: re.Match[str]) -> str:
        word = match[0]
        if word.casefold() in vocabulary:
            return word
        for at in range(len(word) - 2, 1, -1):
            if word[:at].casefold() in vocabulary and word[at:].casefold() in vocabulary:
                return f"{word[:at]} {word[at:]}"
        return word

    return re.sub(r"[^\W\d_]{4,}", split, text)


def _first_sentence(plain: str) -> str:
    sentence = re.split(r"(?<=[.?!])\s", plain, maxsplit=1)[0]
    if len(sentence) <= FIRST_SENTENCE_LENGTH:
        return sentence
    return sentence[: FIRST_SENTENCE_LENGTH - 1].rsplit(" ", 1)[0] + "\u2026"
