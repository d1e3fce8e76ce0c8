"""What the API says about member states."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.countries.agreement import PairCounts
from app.countries.queries import RecordEntry
from app.models import State
from app.resolutions.roll_calls import IntendedVote
from app.resolutions.schemas import VoteName, vote_name
from app.urls import country_api_path, resolution_api_path, symbol_api_path


class NameOut(BaseModel):
    name: str
    valid_from: dt.date
    valid_to: dt.date | None


class MembershipOut(BaseModel):
    admitted: dt.date
    ended: dt.date | None
    successor: str | None = Field(description="Code of the seat that continued this membership")


class SuspensionOut(BaseModel):
    starts: dt.date
    ends: dt.date | None
    note: str


class CountryIntendedVote(BaseModel):
    """The state's later statement of how it meant to vote on a resolution. It never changes the official
    vote, which is what its voting record and every tally count."""

    symbol: str = Field(description="UN symbol of the resolution")
    date: dt.date = Field(description="Date of the vote")
    name: str = Field(description="The state's name on the date of the vote")
    official_vote: VoteName | None = Field(description="The vote as recorded; null if the roll call lacks it")
    intended_vote: VoteName
    statement: str = Field(description="What the state said, and where")
    stated_on: dt.date | None
    url: str | None = Field(description="API URL of the resolution; null if it has no symbol")


class CountrySummary(BaseModel):
    code: str
    name: str
    status: str = Field(description="member, former or observer")
    regional_group: str
    url: str


class CountryOut(CountrySummary):
    iso2: str
    m49: int
    group_note: str
    names: list[NameOut]
    memberships: list[MembershipOut]
    suspensions: list[SuspensionOut]
    aliases: list[str]
    intended_votes: list[CountryIntendedVote] = Field(
        description="The state's statements of intended vote made after a vote, newest vote first; "
        "its official votes stand and are what its record counts"
    )


class CountryVote(BaseModel):
    symbol: str
    title: str
    date: dt.date
    name: str = Field(description="The state's name on the date of the vote")
    vote: VoteName
    url: str


class CountryVotePage(BaseModel):
    page: int
    per_page: int
    total: int
    results: list[CountryVote]


def summary(state: State) -> CountrySummary:
    return CountrySummary(
        code=state.code,
        name=state.name,
        status=state.status.value,
        regional_group=state.regional_group.value,
        url=country_api_path(state.code),
    )


def intended_vote(v: IntendedVote) -> CountryIntendedVote:
    assert v.adopted_on is not None  # always set when listed by state (intended_votes_of)
    return CountryIntendedVote(
        symbol=v.symbol,
        date=v.adopted_on,
        name=v.name,
        official_vote=vote_name(v.official) if v.official else None,
        intended_vote=vote_name(v.intended),
        statement=v.statement,
        stated_on=v.stated_on,
        url=symbol_api_path(v.symbol) if v.symbol else None,
    )


def detail(state: State, successor_codes: dict[int, str], intended: list[IntendedVote]) -> CountryOut:
    return CountryOut(
        **summary(state).model_dump(),
        iso2=state.iso2,
        m49=state.m49,
        group_note=state.group_note,
        names=[NameOut(name=n.name, valid_from=n.valid_from, valid_to=n.valid_to) for n in state.names],
        memberships=[
            MembershipOut(
                admitted=m.admitted_on,
                ended=m.ended_on,
                successor=successor_codes.get(m.successor_id) if m.successor_id else None,
            )
            for m in state.memberships
        ],
        suspensions=[
            SuspensionOut(starts=s.starts_on, ends=s.ends_on, note=s.note) for s in state.suspensions
        ],
        aliases=sorted({a.alias for a in state.aliases if a.public}),
        intended_votes=[intended_vote(v) for v in intended],
    )


def vote(entry: RecordEntry) -> CountryVote:
    return CountryVote(
        symbol=entry.resolution.symbol,
        title=entry.resolution.title,
        date=entry.resolution.adopted_on,
        name=entry.name,
        vote=vote_name(entry.choice),
        url=resolution_api_path(entry.resolution),
    )


# --- Agreement, loyalty and yearly figures (computed on the in-memory vote matrix) ----------------


class PairOut(BaseModel):
    """Two states' agreement and what it rests on."""

    votes: int = Field(description="resolutions on which both were members and voted yes, no or abstain")
    same: int
    half: int = Field(description="of those, with one abstaining and the other voting yes or no")
    adopted_without_vote: int = Field(description="of those, resolutions adopted without a vote (if counted)")
    agreement: float | None = Field(description="(same + half / 2) / votes")
    kappa: float | None = Field(description="Cohen's weighted kappa: agreement beyond chance")


class PartnerOut(PairOut):
    country: str
    name: str


class LoyaltyOut(BaseModel):
    votes: int = Field(description="its votes on which its regional group had a plurality")
    share: float | None = Field(description="share of those cast as its group's plurality")


class AgreementOut(BaseModel):
    country: str
    period: str
    consensus_counted: bool
    rank: str
    min_votes: int
    most: list[PartnerOut]
    least: list[PartnerOut]
    group_loyalty: LoyaltyOut


class CompareYearOut(PairOut):
    year: int


class CompareOut(PairOut):
    a: str
    b: str
    consensus_counted: bool
    years: list[CompareYearOut]


def pair(counts: PairCounts) -> dict[str, object]:
    return {
        "votes": counts.n,
        "same": counts.same,
        "half": counts.half,
        "adopted_without_vote": counts.consensus,
        "agreement": counts.agreement,
        "kappa": counts.kappa,
    }


class PeerYearOut(PairOut):
    country: str


class CountryYearOut(BaseModel):
    """One year of a state's votes on resolutions adopted by a recorded vote."""

    year: int
    yes: int
    no: int
    abstain: int
    non_voting: int
    with_group: LoyaltyOut = Field(description="how often it voted as its regional group's plurality")
    peers: list[PeerYearOut] = Field(description="its agreement that year with each state asked for")
