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
    """What a recorded decision is: the adoption of a resolution (or decision) as the UN records it, or
    one of the other recorded votes only Voeten's data holds."""

    RESOLUTION = "resolution"
    AMENDMENT = "amendment"
    PARAGRAPH = "paragraph"
    # Another recorded vote (a motion, a failed or rival draft, a part voted separately) that Voeten codes
    # as neither an amendment nor a paragraph and that matches no adopted resolution in the UN's records.
    SEPARATE = "separate"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]


_DECISION_LABELS = {
    DecisionKind.RESOLUTION: "Resolution",
    DecisionKind.AMENDMENT: "Vote on an amendment",
    DecisionKind.PARAGRAPH: "Separate vote on a part",
    DecisionKind.SEPARATE: "Other recorded vote",
}


class DifferenceKind(enum.StrEnum):
    """What two sources record differently about one vote (app.ingest.merge)."""

    DATE = "date"
    VOTE = "vote"  # one state's vote
    COUNT = "count"  # the number in favour, against or abstaining
    SYMBOL = "symbol"  # the resolution the other source files the vote under

    @property
    def label(self) -> str:
        return {"date": "Date", "vote": "A state's vote", "count": "Count", "symbol": "Symbol"}[self.value]


class Adoption(enum.StrEnum):
    RECORDED_VOTE = "recorded_vote"
    WITHOUT_VOTE = "without_vote"


class SourceKind(enum.StrEnum):
    DGACM = "dgacm"
    VOETEN = "voeten"
    UNDL = "undl"
    ADMIN = "admin"
    # A data package written by `unga export` (app.opendata): the reconciled record, imported as it is.
    PACKAGE = "package"
    PROVISIONAL = "provisional"  # reviewed records from the day's reports (data/sources/provisional)

    @property
    def label(self) -> str:
        """How pages name the source in a sentence ("Voeten's data lists ...")."""
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    SourceKind.DGACM: "the UN's machine-readable resolutions (DGACM)",
    SourceKind.VOETEN: "Voeten's data",
    SourceKind.UNDL: "the UN Digital Library",
    SourceKind.ADMIN: "an administrator",
    SourceKind.PACKAGE: "a data package of this site's record",
    SourceKind.PROVISIONAL: "a provisional record from the day's reports",
}
