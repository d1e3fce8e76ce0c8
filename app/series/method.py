"""How recorded votes are grouped into series of recurring resolutions. Plain logic, no database.

The General Assembly adopts many texts again every session, or every second or third one: the Cuba
embargo, the Syrian Golan, the right of the Palestinian people to self-determination, dozens of
disarmament texts. Nothing in the sources links one year's text to the next year's, so series are
inferred, session by session, oldest first:

1. **Candidates.** Published recorded votes of regular sessions on a whole text (resolutions, and
   Voeten's unlabelled extra roll calls on a symbol, kept as separate votes: the importer takes the
   roll call carrying the library's title as the adoption, but a text may still have been voted on
   more than once).
   Texts adopted without a vote have no tally to chart, and the 1946-2019 data holds none of them.
2. **What is compared.** The title, normalised: case and accents folded, the UN library's
   " : resolution / adopted by the General Assembly" and footnotes cut, numbers (years, session
   numbers), ordinal words and a few filler words removed, so "... embargo imposed by the United States
   against Cuba" (1992) and "... by the United States of America against Cuba" (2019) come out alike.
   The sources differ here: Voeten's data gives, before 1985, only a short upper-case topic label
   ("CHINA REPRESENTATION", "SOUTH AFRICA, OIL EMBARGO") rather than the title, and for 1985-2013 that
   label beside the title; for 2016-2018 the importer takes the title from the label column and keeps
   the agenda entry ("A/71/251 39 - ...") as the description. Each record therefore yields a title
   (when it has one), a topic label (when it has one) and an agenda-item title (DGACM data from 2019,
   and Voeten's agenda entries).
3. **When two records match.** Two titles match when rapidfuzz's ``token_sort_ratio`` of the normalised
   titles reaches ``TITLE_THRESHOLD`` (90 of 100), or ``SAME_AGENDA_THRESHOLD`` (80) when both records
   sit under the same agenda-item title. Agenda-item *numbers* are not compared: they change every
   session (the Cuba text was item 39, 42, 36 and 38 in four years). When either side lacks a title,
   the topic labels must be identical after normalisation (they are short, so a fuzzy score would join
   "SOUTH AFRICA, OIL EMBARGO" and "SOUTH AFRICA, ARMS EMBARGO").
4. **Linking sessions.** A record may extend a series whose latest member is at most ``MAX_GAP``
   sessions older (texts taken up every second or third year, and sessions missing from the data: the
   Cuba vote of 2018 is not in Voeten's data). Within a session, pairs are taken best score first, each
   series takes at most one record per session and each record joins at most one series; ties go to
   whole resolutions over extra roll calls, then to the nearer session, then to the same part letter
   (A/RES/40/151 A after A/RES/39/148 A), then to a series whose latest member is a whole resolution
   (an extra roll call titled like its resolution must not draw the next year's text away from the
   series of the resolution itself). A record that matches nothing starts a new series.
5. **What is kept.** Series with at least ``MIN_MEMBERS`` records: a text seen twice is not yet a
   recurring one.

Known limits: before 1985 the topic labels are coarser than titles, so two texts on one topic in one
session can fall into parallel series; a text renamed beyond the threshold starts a new series.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy
from rapidfuzz import fuzz, process

TITLE_THRESHOLD = 90
SAME_AGENDA_THRESHOLD = 80
MAX_GAP = 3
MIN_MEMBERS = 3

# "A/71/251 39 - Necessity of ending ... - CUBA--UNITED STATES": the agenda (document A/71/251), item 39.
_AGENDA_ENTRY = re.compile(r"^A/\d+/\d+\s+(?P<item>\S+)\s+-\s+(?P<title>.*)$", re.DOTALL)
_LIBRARY_SUFFIX = re.compile(r"\s*:\s*(draft\s+)?resolution\s*/.*$", re.IGNORECASE | re.DOTALL)
_SYMBOLS = re.compile(r"\b[a-z]+/[\w./()-]+")
_NON_WORD = re.compile(r"[^a-z]+")
_NUMBER_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth "
    "fiftieth sixtieth seventieth eightieth ninetieth hundredth one two three four five six seven eight "
    "nine ten eleven twelve twenty thirty forty fifty sixty seventy eighty ninety hundred"
)
_DROP = frozenset(_NUMBER_WORDS.split()) | frozenset(
    ["the", "of", "and", "a", "an", "in", "on", "to", "for", "by", "at", "its", "session"]
)


def normalise(text: str) -> str:
    """A title or label reduced to the words that identify a text across years."""
    text = text.split("\t", 1)[0]
    if text.isascii():  # most titles: nothing to decompose (a quarter of an import's regrouping time)
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _SYMBOLS.sub(" ", _LIBRARY_SUFFIX.sub("", plain))
    # "United States of America" and "United States" are the same state: drop the tail the UN sometimes adds.
    plain = plain.replace("united states of america", "united states")
    return " ".join(word for word in _NON_WORD.split(plain) if word and word not in _DROP)


def clean_title(text: str) -> str:
    """A title as it can be shown: the library suffix, footnotes and odd spaces removed."""
    text = text.split("\t", 1)[0].replace("\u00a0", " ")
    return " ".join(_LIBRARY_SUFFIX.sub("", text).split())


@dataclass(frozen=True)
class Candidate:
    """One recorded vote as the grouping sees it."""

    id: int
    symbol: str
    session: int
    is_resolution: bool  # False for Voeten's extra roll calls on a symbol
    title: str  # the title as shown, '' when the source gives only a topic label
    title_key: str
    topic_key: str
    agenda_key: str
    part: str  # "A" of "A/RES/40/151 A", else ""


@functools.lru_cache(maxsize=32_768)
def candidate(
    id: int,
    symbol: str,
    session: int,
    is_resolution: bool,
    title: str,
    description: str,
    agenda_title: str,
) -> Candidate:
    """Read a record's title, topic label and agenda-item title, whichever fields the source used.

    Kept per process: reading all 5,600 took 0.35 s of every regrouping (an admin's retitling), and a
    record's fields rarely change."""
    title, description = clean_title(title), clean_title(description)
    topic = ""
    entry = _AGENDA_ENTRY.match(description)
    if entry:  # Voeten 2016-2018: the agenda entry ("A/71/251 39 - ...") is the description
        agenda_title = agenda_title or entry["title"].split(". - ", 1)[0]
    elif title.isupper():  # Voeten before 1985: only a topic label
        title, topic = "", title
    elif description.isupper():
        topic = description
    part = symbol.rsplit(" ", 1)[1] if " " in symbol and len(symbol.rsplit(" ", 1)[1]) == 1 else ""
    return Candidate(
        id=id,
        symbol=symbol,
        session=session,
        is_resolution=is_resolution,
        title=title or topic,
        title_key=normalise(title) if title else "",
        topic_key=normalise(topic) if topic else "",
        agenda_key=normalise(agenda_title) if agenda_title else "",
        part=part,
    )


@dataclass
class Series:
    members: list[Candidate] = field(default_factory=list)

    @property
    def last(self) -> Candidate:
        return self.members[-1]


def score(new: Candidate, old: Candidate) -> float:
    """How well ``new`` continues a series whose latest member is ``old``: 0 for no match, else 0-100."""
    if new.title_key and old.title_key:
        similarity = fuzz.token_sort_ratio(new.title_key, old.title_key)
        return similarity if similarity >= _threshold(new, old) else 0.0
    return 100.0 if new.topic_key and new.topic_key == old.topic_key else 0.0


def _threshold(new: Candidate, old: Candidate) -> int:
    same_agenda = bool(new.agenda_key) and new.agenda_key == old.agenda_key
    return SAME_AGENDA_THRESHOLD if same_agenda else TITLE_THRESHOLD


def group(candidates: Iterable[Candidate]) -> list[list[Candidate]]:
    """Series of at least MIN_MEMBERS records, each oldest first; see the module's docstring."""
    by_session: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_session.setdefault(c.session, []).append(c)
    series: list[Series] = []
    for number in sorted(by_session):
        current = sorted(by_session[number], key=lambda c: (not c.is_resolution, c.id))
        open_series = [s for s in series if number - s.last.session <= MAX_GAP]
        taken_records: set[int] = set()
        for _score, s, c in _pairs(current, open_series):
            if c.id in taken_records or s.last.session == number:
                continue
            s.members.append(c)
            taken_records.add(c.id)
        series.extend(Series([c]) for c in current if c.id not in taken_records)
    return [s.members for s in series if len(s.members) >= MIN_MEMBERS]


def _pairs(current: list[Candidate], open_series: list[Series]) -> list[tuple[float, Series, Candidate]]:
    """Every (score, series, record) pair that matches, best first, ties broken as the docstring says."""
    if not current or not open_series:
        return []
    pairs: list[tuple[tuple[float, int, int, int, int, int, int], Series, Candidate]] = []
    olds = [s.last for s in open_series]
    titled = {j: old.title_key for j, old in enumerate(olds) if old.title_key}
    by_topic: dict[str, list[int]] = {}
    for j, old in enumerate(olds):
        if old.topic_key:
            by_topic.setdefault(old.topic_key, []).append(j)
    # One C-level matrix of the session's titles against the open series' (rapidfuzz's cdist prepares each
    # title once; scoring pair by pair sorted each title's words again for every pair): scores below
    # SAME_AGENDA_THRESHOLD come back as 0. Doubles, as the scorer returns: the thresholds compare exactly.
    new_titled = [i for i, c in enumerate(current) if c.title_key]
    old_titled = list(titled)
    scores = process.cdist(
        [current[i].title_key for i in new_titled],
        [titled[j] for j in old_titled],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=SAME_AGENDA_THRESHOLD,
        dtype=numpy.float64,
    )
    matched: dict[int, dict[int, float]] = {}
    rows, columns = numpy.nonzero(scores)
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        matched.setdefault(new_titled[row], {})[old_titled[column]] = float(scores[row, column])
    for i, c in enumerate(current):
        found: dict[int, float] = {}
        for j, value in matched.get(i, {}).items():
            if value >= _threshold(c, olds[j]):
                found[j] = value
        if c.topic_key:
            for j in by_topic.get(c.topic_key, []):
                if not (c.title_key and olds[j].title_key):
                    found[j] = 100.0
        for j, value in found.items():
            s, old = open_series[j], olds[j]
            if value:
                rank = (
                    -value,
                    0 if c.is_resolution else 1,
                    c.session - old.session,
                    0 if c.part == old.part else 1,
                    0 if old.is_resolution else 1,
                    old.id,
                    c.id,
                )
                pairs.append((rank, s, c))
    pairs.sort(key=lambda p: p[0])
    return [(-rank[0], s, c) for rank, s, c in pairs]
