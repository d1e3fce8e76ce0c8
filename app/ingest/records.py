"""What every parser produces: one recorded decision as its source states it, names not yet resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.models.enums import Adoption, DecisionKind, SessionKind, SourceKind

# Whose record a stored row is, when an import meets a row another write made: an admin's save is kept
# against any import; otherwise the UN's sources rank above Voeten's. Which source supplies each field of
# a decision the sources share is decided field by field in app.ingest.merge.
# A data package (app.ingest.package) holds the reconciled record: it ranks with the UN's sources.
PRECEDENCE = {
    SourceKind.ADMIN: 4,
    SourceKind.PROVISIONAL: 4,  # reviewed records in the admin form's shape: only an official one replaces
    SourceKind.DGACM: 3,
    SourceKind.PACKAGE: 3,
    SourceKind.UNDL: 2,
    SourceKind.VOETEN: 1,
}


@dataclass(frozen=True)
class SourceFile:
    """One file read by an import, identified by the hash of its decompressed content."""

    kind: SourceKind
    name: str
    sha256: str
    version: str = ""


@dataclass
class Record:
    source: SourceFile
    line: int  # where the decision starts in the file (1-based), for error messages
    day: dt.date
    symbol: str
    session_kind: SessionKind
    session_number: int
    adoption: Adoption
    kind: DecisionKind = DecisionKind.RESOLUTION
    title: str = ""
    description: str = ""
    meeting_record: str = ""
    draft_symbol: str = ""
    committee: str = ""
    agenda_item: str = ""
    agenda_title: str = ""
    adopted: bool | None = True
    important_vote: bool | None = None
    official_yes: int | None = None
    official_no: int | None = None
    official_abstain: int | None = None
    official_non_voting: int | None = None
    # The roll call as the source lists it, as two parallel sequences: names as written, and one
    # VoteChoice letter per name. Kept columnar rather than as (name, choice) pairs so that the import
    # works on whole roll calls with C-level operations (str.join, map, set) instead of a Python loop
    # over a million votes. Members on the date that are in no list become non-voting, unless the
    # source gives no roll call at all.
    voter_names: list[str] = field(default_factory=list)
    choices: str = ""
    has_roll_call: bool = False
    # A source's own code for a name (the UN Digital Library's ms_code), tried when the name matches nothing.
    name_codes: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    voeten_rcid: int | None = None
    voeten_ref: str = ""  # Voeten's own reference for the roll call (``unres``, e.g. R/2/1424), as given
    undl_id: int | None = None
    # The symbol as the source writes it when it is not a symbol that can exist (the Library's
    # "A/RES/79/XX"): the record then has no symbol until another source supplies one.
    source_symbol: str = ""
    subjects: set[tuple[str, str]] = field(default_factory=set)  # (vocabulary, term)

    def add_votes(self, names: list[str], choice: str) -> None:
        """Append names that all voted the same way (one VoteChoice letter)."""
        self.voter_names.extend(names)
        self.choices += choice * len(names)

    @property
    def where(self) -> str:
        return f"{self.source.name}:{self.line}"

    @property
    def key(self) -> tuple[str, str]:
        """Identity across sources: the UN symbol of a resolution; the roll-call id of anything else."""
        if self.kind is DecisionKind.RESOLUTION and self.symbol:
            return ("symbol", self.symbol)
        if self.voeten_rcid is not None:
            return ("rcid", str(self.voeten_rcid))
        return ("undl", str(self.undl_id))
