"""What the API says about a resolution (JSON shapes, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.models import Resolution, VoteChoice
from app.resolutions.groups import GroupSplit, group_splits
from app.resolutions.queries import IntendedVote, RollCallEntry
from app.resolutions.service import roll_call_tally, session_label
from app.symbols import undocs_url

VoteName = Literal["yes", "no", "abstain", "non_voting"]


class Tally(BaseModel):
    yes: int
    no: int
    abstain: int
    non_voting: int


class OfficialTotals(BaseModel):
    yes: int | None
    no: int | None
    abstain: int | None
    non_voting: int | None = Field(description="Published only by the UN Digital Library")


class VoteOut(BaseModel):
    country: str = Field(description="Stable state code (ISO 3166-1 alpha-3, or a historical code)")
    name: str = Field(description="The state's name on the date of the vote")
    vote: VoteName


class IntendedVoteOut(BaseModel):
    """A state's later statement of how it meant to vote. It never changes the official vote, which is
    what ``votes`` and ``tally`` count."""

    country: str = Field(description="Stable state code")
    name: str = Field(description="The state's name on the date of the vote")
    official_vote: VoteName | None = Field(description="The vote as recorded; null if the roll call lacks it")
    intended_vote: VoteName
    statement: str = Field(description="What the state said, and where")
    stated_on: dt.date | None


class ResolutionSummary(BaseModel):
    id: int
    symbol: str
    title: str
    date: dt.date
    session: str
    adopted_without_vote: bool
    tally: Tally = Field(description="Counts of the stored roll call")
    url: str = Field(description="API URL of the full record")


class ResolutionOut(ResolutionSummary):
    kind: str
    meeting_record: str
    draft_symbol: str
    committee: str
    agenda_item: str
    agenda_title: str
    subjects: list[str]
    official_totals: OfficialTotals | None
    roll_call_complete: bool
    discrepancy: str = Field(description="Why the official totals and the roll call differ, if they do")
    document_url: str | None
    source: str
    votes: list[VoteOut]
    intended_votes: list[IntendedVoteOut] = Field(
        description="Statements of intended vote made after the vote; the official votes stand"
    )
    groups: list[GroupSplit] = Field(
        description="How each UN regional group and the P5 split, with cohesion and dissenters"
    )


class ResolutionPage(BaseModel):
    page: int
    per_page: int
    total: int
    results: list[ResolutionSummary]


def _official(resolution: Resolution) -> OfficialTotals | None:
    values = (
        resolution.official_yes,
        resolution.official_no,
        resolution.official_abstain,
        resolution.official_non_voting,
    )
    if all(v is None for v in values):
        return None
    return OfficialTotals(yes=values[0], no=values[1], abstain=values[2], non_voting=values[3])


def summary(resolution: Resolution, url: str) -> ResolutionSummary:
    yes, no, abstain, non_voting = roll_call_tally(resolution)
    return ResolutionSummary(
        id=resolution.id,
        symbol=resolution.symbol,
        title=resolution.title,
        date=resolution.adopted_on,
        session=session_label(resolution),
        adopted_without_vote=resolution.adoption == "without_vote",
        tally=Tally(yes=yes, no=no, abstain=abstain, non_voting=non_voting),
        url=url,
    )


def detail(
    resolution: Resolution,
    votes: list[RollCallEntry],
    url: str,
    source: str,
    intended: list[IntendedVote],
) -> ResolutionOut:
    return ResolutionOut(
        **summary(resolution, url).model_dump(),
        kind=resolution.kind.value,
        meeting_record=resolution.meeting_record,
        draft_symbol=resolution.draft_symbol,
        committee=resolution.committee,
        agenda_item=resolution.agenda_item,
        agenda_title=resolution.agenda_title,
        subjects=sorted({s.term for s in resolution.subjects}),
        official_totals=_official(resolution),
        roll_call_complete=resolution.roll_call_complete,
        discrepancy=resolution.discrepancy,
        document_url=undocs_url(resolution.symbol),
        source=source,
        votes=[VoteOut(country=v.code, name=v.name, vote=vote_name(v.choice)) for v in votes],
        intended_votes=[
            IntendedVoteOut(
                country=v.code,
                name=v.name,
                official_vote=vote_name(v.official) if v.official else None,
                intended_vote=vote_name(v.intended),
                statement=v.statement,
                stated_on=v.stated_on,
            )
            for v in intended
        ],
        groups=group_splits(votes),
    )


def vote_name(choice: VoteChoice) -> VoteName:
    names: dict[VoteChoice, VoteName] = {
        VoteChoice.YES: "yes",
        VoteChoice.NO: "no",
        VoteChoice.ABSTAIN: "abstain",
        VoteChoice.NON_VOTING: "non_voting",
    }
    return names[choice]
