"""Domain codes shared by models, ingest and the API."""

from __future__ import annotations

import enum


class VoteChoice(enum.StrEnum):
    """A state's position in a recorded vote, stored as the UN Digital Library's one-letter codes."""

    YES = "Y"
    NO = "N"
    ABSTAIN = "A"
    NON_VOTING = "X"  # a member on the date that is in none of the three lists (absent, or lost its vote)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def api_name(self) -> str:
        return self.name.lower()


_LABELS = {
    VoteChoice.YES: "In favour",
    VoteChoice.NO: "Against",
    VoteChoice.ABSTAIN: "Abstaining",
    VoteChoice.NON_VOTING: "Non-voting",
}


class StateStatus(enum.StrEnum):
    MEMBER = "member"
    FORMER = "former"  # membership ended without a continuing seat of its own
    OBSERVER = "observer"  # never a voter


class RegionalGroup(enum.StrEnum):
    AFRICAN = "African"
    ASIA_PACIFIC = "Asia-Pacific"
    EASTERN_EUROPEAN = "Eastern European"
    LATIN_AMERICAN_CARIBBEAN = "Latin American and Caribbean"
    WESTERN_EUROPEAN_OTHERS = "Western European and Others"
    NONE = ""


class SessionKind(enum.StrEnum):
    REGULAR = "regular"
    SPECIAL = "special"
    EMERGENCY_SPECIAL = "emergency_special"


class DecisionKind(enum.StrEnum):
    """What a recorded decision is about: Voeten's data also has separate votes on parts of a text."""

    RESOLUTION = "resolution"
    AMENDMENT = "amendment"
    PARAGRAPH = "paragraph"
    SEPARATE = "separate"  # another recorded vote on the same text, not coded as amendment or paragraph


class Adoption(enum.StrEnum):
    RECORDED_VOTE = "recorded_vote"
    WITHOUT_VOTE = "without_vote"


class SourceKind(enum.StrEnum):
    DGACM = "dgacm"
    VOETEN = "voeten"
    UNDL = "undl"
    ADMIN = "admin"
    PROVISIONAL = "provisional"  # reviewed records from the day's reports (data/sources/provisional)
