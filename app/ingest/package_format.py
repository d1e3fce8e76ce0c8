"""The tables of the data package that ``unga export`` and the /data page write (app.opendata) and
``unga import`` reads back (app.ingest.package): names, columns, types and what each column means.

One definition for the writer, the reader and the descriptor (datapackage.json), so they cannot drift.
Types are Frictionless Table Schema types; an empty cell is a missing value (Table Schema's default).
Every table is a UTF-8 CSV with one header row, gzip-compressed.
"""

from __future__ import annotations

from app.ingest.package_schema import Column, ForeignKey, Table
from app.models.enums import (
    Adoption,
    DecisionKind,
    DifferenceKind,
    RegionalGroup,
    SessionKind,
    SourceKind,
    StateStatus,
    VoteChoice,
)

PACKAGE_NAME = "unga-votes"
DESCRIPTOR = "datapackage.json"
# How a vote is written: the API's names (VoteChoice.api_name), not the database's one-letter codes.
VOTE_WORDS = {choice.value: choice.api_name for choice in VoteChoice}
TRUE, FALSE = "true", "false"


def _values(enum_cls: type[SessionKind] | type[Adoption] | type[StateStatus]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_cls)


_ID = Column(
    "id",
    "integer",
    "The decision's number in this data: unique across resolutions and separate votes, stable within "
    "one version of the data (the site's /votes/<id> page).",
    required=True,
    unique=True,
)
_SYMBOL = Column(
    "symbol",
    "string",
    "The UN document symbol as the UN writes it, e.g. A/RES/181(II) or A/RES/ES-10/24.",
)
_SEPARATE_SYMBOL = Column(
    "symbol",
    "string",
    "Empty: a separate vote carries no UN symbol of its own (see parent_id and voeten_ref). Filled only "
    "in data imported from Voeten's files alone, where Voeten's reference stands in for a symbol.",
)
_DECISION = (
    Column(
        "title",
        "string",
        "The title: the UN Digital Library's full title (without its catalogue suffix) or DGACM's; "
        "for a separate vote, Voeten's short description.",
    ),
    Column(
        "description",
        "string",
        "Voeten's description of the vote, in his capitals, or DGACM's footnote to the title.",
    ),
    Column("date", "date", "The date of the vote or adoption.", required=True),
    Column(
        "session_kind",
        "string",
        "The kind of session: regular, special or emergency_special.",
        required=True,
        values=_values(SessionKind),
    ),
    Column(
        "session_number",
        "integer",
        "The number of the regular, special or emergency special session.",
        required=True,
    ),
    Column("meeting_record", "string", "The symbol of the meeting's verbatim record, e.g. A/ES-10/PV.55."),
    Column("draft_symbol", "string", "The symbol of the draft voted on, e.g. A/ES-10/L.31/Rev.1."),
    Column("committee", "string", "The Main Committee whose report carried the draft, if any."),
    Column("agenda_item", "string", "The agenda item's number or symbol, as the source gives it."),
    Column("agenda_title", "string", "The agenda item's title."),
    Column(
        "adoption",
        "string",
        "recorded_vote, or without_vote (adopted without a vote: no roll call).",
        required=True,
        values=_values(Adoption),
    ),
    Column(
        "adopted",
        "boolean",
        "true for an adopted resolution; empty where the source does not say (Voeten's separate votes).",
    ),
    Column(
        "important_vote",
        "boolean",
        "The US State Department's 'important vote' flag, from Voeten's data; empty where unknown.",
    ),
    Column(
        "official_yes", "integer", "The official number in favour, as the UN published it; empty if none."
    ),
    Column("official_no", "integer", "The official number against; empty if none is published."),
    Column("official_abstain", "integer", "The official number abstaining; empty if none is published."),
    Column(
        "official_non_voting",
        "integer",
        "The official number of non-voting members; empty if none is published.",
    ),
    Column("yes", "integer", "States in favour in the roll call (the votes table).", required=True),
    Column("no", "integer", "States against in the roll call.", required=True),
    Column("abstain", "integer", "States abstaining in the roll call.", required=True),
    Column(
        "non_voting",
        "integer",
        "Members on the date listed without a vote (absent, or not allowed to vote).",
        required=True,
    ),
    Column(
        "roll_call_complete",
        "boolean",
        "false when the source lacks some or all states' votes.",
        required=True,
    ),
    Column(
        "notes",
        "string",
        "Why the official totals and the roll call differ, or a gap the source notes.",
    ),
    Column(
        "voeten_rcid",
        "integer",
        "Voeten's roll-call id (rcid) of this vote, where his data has it.",
        unique=True,
    ),
    Column(
        "voeten_ref",
        "string",
        "Voeten's own reference for the roll call (unres), e.g. R/2/1424: before session 18 it points "
        "into the Official Records, not to a resolution number.",
    ),
    Column("undl_id", "integer", "The UN Digital Library's record id."),
    Column(
        "undl_record",
        "string",
        "The UN Digital Library's record page of the vote (name it when you use the vote).",
    ),
    Column(
        "sources",
        "string",
        "The sources that hold this decision, space-separated: undl (UN Digital Library), dgacm (the "
        "UN's machine-readable resolutions), voeten (Voeten's data), admin (entered by this site's "
        "editors).",
    ),
)
_STATE = Column("state", "string", "The state's code (states.code).", required=True)


def _vote_table(name: str, key: str, target: str, what: str) -> Table:
    return Table(
        name,
        f"Votes on {what}",
        f"How each state voted on each of the {what}: one row per state and vote. States that were not "
        "members on the date have no row.",
        (
            Column(key, "integer", f"The vote ({target}.id).", required=True),
            _STATE,
            Column(
                "vote",
                "string",
                "yes, no, abstain, or non_voting (a member on the date listed without a vote).",
                required=True,
                values=tuple(VOTE_WORDS.values()),
            ),
        ),
        primary_key=(key, "state"),
        foreign_keys=(ForeignKey(key, target, "id"), ForeignKey("state", "states", "code")),
    )


def _subject_table(name: str, key: str, target: str, what: str) -> Table:
    return Table(
        name,
        f"Subjects of {what}",
        f"Subject terms of the {what}: UNBIS Thesaurus terms and agenda subjects from the UN, Voeten's "
        "six issue categories ('Voeten issue').",
        (
            Column(key, "integer", f"The vote ({target}.id).", required=True),
            Column("vocabulary", "string", "e.g. UNBIS, DHLAUTH, Agenda, Voeten issue.", required=True),
            Column("term", "string", "The term.", required=True),
        ),
        primary_key=(key, "vocabulary", "term"),
        foreign_keys=(ForeignKey(key, target, "id"),),
    )


STATES = Table(
    "states",
    "Member states",
    "Every seat in the General Assembly, keyed by a stable code (ISO 3166-1 alpha-3 for today's states).",
    (
        Column("code", "string", "ISO 3166-1 alpha-3, or an ISO 3166-3 / user code for former seats.", True),
        Column("name", "string", "The current (or last) UN short name.", required=True),
        Column("iso2", "string", "ISO 3166-1 alpha-2, where there is one."),
        Column("m49", "integer", "UN M49 numeric code; 0 if none.", required=True),
        Column(
            "regional_group",
            "string",
            "The UN regional group; empty for none.",
            values=tuple(g.value for g in RegionalGroup if g.value),
        ),
        Column("group_note", "string", "A note on the group membership."),
        Column(
            "status",
            "string",
            "member, former (its membership ended without a seat of its own continuing it), or observer.",
            required=True,
            values=_values(StateStatus),
        ),
    ),
    primary_key=("code",),
)
STATE_NAMES = Table(
    "state_names",
    "Names of the states over time",
    "The UN short name a seat carried over each period (USSR until 1991-12-23, Russian Federation after).",
    (
        _STATE,
        Column("name", "string", "The name.", required=True),
        Column("valid_from", "date", "The first day of the name.", required=True),
        Column("valid_to", "date", "The last day of the name; empty if current."),
    ),
    primary_key=("state", "valid_from"),
    foreign_keys=(ForeignKey("state", "states", "code"),),
)
MEMBERSHIPS = Table(
    "memberships",
    "Memberships",
    "Periods of UN membership (Syria and Indonesia have two).",
    (
        _STATE,
        Column("admitted_on", "date", "The day of admission.", required=True),
        Column("ended_on", "date", "The last day of membership; empty if still a member."),
        Column("successor", "string", "The seat that continued this membership (states.code), if any."),
        Column("note", "string", "A note."),
    ),
    primary_key=("state", "admitted_on"),
    foreign_keys=(ForeignKey("state", "states", "code"), ForeignKey("successor", "states", "code")),
)
SUSPENSIONS = Table(
    "suspensions",
    "Suspensions of voting rights",
    "Periods in which a member could not vote in the General Assembly (e.g. Article 19 arrears).",
    (
        _STATE,
        Column("starts_on", "date", "The first day.", required=True),
        Column("ends_on", "date", "The last day; empty if it continues."),
        Column("note", "string", "A note."),
    ),
    foreign_keys=(ForeignKey("state", "states", "code"),),
)
STATE_ALIASES = Table(
    "state_aliases",
    "Other names of the states",
    "Names people know a state by (public: Turkey, USSR) and the sources' own spellings that only the "
    "importers need (not public: IR ELAND, TÜRKÝYE).",
    (
        _STATE,
        Column("alias", "string", "The name or spelling.", required=True),
        Column("public", "boolean", "true for a name the state is known by.", required=True),
    ),
    primary_key=("state", "alias"),
    foreign_keys=(ForeignKey("state", "states", "code"),),
)
RESOLUTIONS = Table(
    "resolutions",
    "Resolutions and decisions",
    "Adopted resolutions and decisions as the UN records them, one row each, with their official totals "
    "and the counts of their roll call: the UN Digital Library's record, DGACM's from September 2019, "
    "Voeten's roll call where it matches one of them.",
    (_ID, _SYMBOL, *_DECISION),
    primary_key=("id",),
)
SEPARATE_VOTES = Table(
    "separate_votes",
    "Separate votes",
    "Voeten's roll calls that match no adopted resolution in the UN's records: votes on amendments, "
    "on parts of a text, motions and failed or rival drafts, with Voeten's reference and the resolution "
    "they were part of the voting on, where it is known.",
    (
        _ID,
        Column(
            "kind",
            "string",
            "amendment, paragraph (a separate vote on a part) or separate (a motion, a failed or rival "
            "draft, another recorded vote).",
            required=True,
            values=tuple(k.value for k in DecisionKind if k is not DecisionKind.RESOLUTION),
        ),
        Column(
            "parent_id",
            "integer",
            "The resolution this vote was part of the voting on (resolutions.id), where it is known.",
        ),
        _SEPARATE_SYMBOL,
        *_DECISION,
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey("parent_id", "resolutions", "id"),),
)
VOTES = _vote_table("votes", "resolution_id", "resolutions", "resolutions")
SEPARATE_VOTE_VOTES = _vote_table(
    "separate_vote_votes", "separate_vote_id", "separate_votes", "separate votes"
)
SUBJECTS = _subject_table("subjects", "resolution_id", "resolutions", "resolutions")
SEPARATE_VOTE_SUBJECTS = _subject_table(
    "separate_vote_subjects", "separate_vote_id", "separate_votes", "separate votes"
)
DIFFERENCES = Table(
    "differences",
    "Differences between the sources",
    "What another source records differently from the record shown (the UN's, where it has one): a "
    "date, a state's vote, a count, or the resolution it files the vote under.",
    (
        Column("resolution_id", "integer", "The resolution (resolutions.id).", required=True),
        Column(
            "source",
            "string",
            "The source that differs: undl, dgacm or voeten.",
            required=True,
            values=tuple(k.value for k in SourceKind if k not in (SourceKind.ADMIN, SourceKind.PACKAGE)),
        ),
        Column(
            "kind",
            "string",
            "date, vote (one state's vote), count (the number in favour, against or abstaining) or "
            "symbol (the resolution the other source files the vote under).",
            required=True,
            values=tuple(k.value for k in DifferenceKind),
        ),
        Column("state", "string", "For a vote: the state (states.code)."),
        Column("item", "string", "For a count: yes, no or abstain."),
        Column(
            "shown",
            "string",
            "The record's value (a date, a count, a vote letter Y, N, A or X, a symbol); empty for none.",
        ),
        Column("other", "string", "The other source's value; empty where it has none."),
    ),
    foreign_keys=(ForeignKey("resolution_id", "resolutions", "id"), ForeignKey("state", "states", "code")),
)

# In the order the descriptor lists them and the importer needs them (states before what refers to them).
TABLES = (
    RESOLUTIONS,
    VOTES,
    SUBJECTS,
    DIFFERENCES,
    SEPARATE_VOTES,
    SEPARATE_VOTE_VOTES,
    SEPARATE_VOTE_SUBJECTS,
    STATES,
    STATE_NAMES,
    MEMBERSHIPS,
    SUSPENSIONS,
    STATE_ALIASES,
)
HEADERS = {table.header: table for table in TABLES}


def closest_table(header: tuple[str, ...]) -> Table | None:
    """The table whose columns a header mostly has (most of its own columns among them): a table of a
    data package whose columns were changed, so the import can say which columns differ."""
    named = set(header)
    best = max(TABLES, key=lambda t: len(named & set(t.header)))
    shared = len(named & set(best.header))
    return best if shared >= 2 and shared * 2 >= max(len(header), len(best.header)) else None
