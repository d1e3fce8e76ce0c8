"""What the API says about a resolution (JSON shapes, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.models import Resolution, VoteChoice
from app.resolutions.groups import GroupSplit, group_splits
from app.resolutions.roll_calls import IntendedVote, MemberEntry, RollCallEntry
from app.resolutions.tally import ShownTally
from app.symbols import session_label, undocs_url

VoteName = Literal["yes", "no", "abstain", "non_voting"]


class Tally(BaseModel):
    """The figures to show: the roll call's counts, or the official totals where it is incomplete."""

    yes: int
    no: int
    abstain: int
    non_voting: int | None = Field(description="null where an incomplete roll call's figure is not known")


class RollCall(BaseModel):
    """How much of the roll call is known."""

    complete: bool = Field(
        description="false: only some states' votes are known; tally is the official totals"
    )
    known: int = Field(description="states whose vote is known")
    members: int = Field(description="members of the United Nations on the date of the vote")
    note: str = Field(description="'roll call incomplete: 2 of 193 known', or '' when complete")


class OfficialTotals(BaseModel):
    yes: int | None
    no: int | None
    abstain: int | None
    non_voting: int | None = Field(description="Published only by the UN Digital Library")


class StateOut(BaseModel):
    country: str = Field(description="Stable state code")
    name: str = Field(description="The state's name on the date of the vote")


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
    tally: Tally = Field(
        description="Counts of the roll call; the official totals where the roll call is incomplete"
    )
    roll_call: RollCall
    provisional: bool = Field(description="entered from reports before the official record")
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
    source_note: str = Field(description="where a provisional record's facts come from")
    votes: list[VoteOut]
    not_known: list[StateOut] = Field(
        description="Members on the date whose vote is not known (incomplete roll calls): not non-voting"
    )
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


def summary(resolution: Resolution, url: str, shown: ShownTally) -> ResolutionSummary:
    yes, no, abstain, non_voting = shown.as_tuple()
    return ResolutionSummary(
        id=resolution.id,
        symbol=resolution.symbol,
        title=resolution.title,
        date=resolution.adopted_on,
        session=session_label(resolution),
        adopted_without_vote=resolution.adoption == "without_vote",
        tally=Tally(yes=yes, no=no, abstain=abstain, non_voting=non_voting),
        roll_call=RollCall(
            complete=shown.complete, known=shown.known, members=shown.members, note=shown.note
        ),
        provisional=resolution.provisional,
        url=url,
    )


def detail(
    resolution: Resolution,
    votes: list[RollCallEntry],
    url: str,
    source: str,
    intended: list[IntendedVote],
    shown: ShownTally,
    not_known: list[MemberEntry],
) -> ResolutionOut:
    return ResolutionOut(
        **summary(resolution, url, shown).model_dump(),
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
        source_note=resolution.source_note,
        not_known=[StateOut(country=m.code, name=m.name) for m in not_known],
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
        groups=group_splits(votes, unknown=not_known),
    )


def vote_name(choice: VoteChoice) -> VoteName:
    names: dict[VoteChoice, VoteName] = {
        VoteChoice.YES: "yes",
        VoteChoice.NO: "no",
        VoteChoice.ABSTAIN: "abstain",
        VoteChoice.NON_VOTING: "non_voting",
    }
    return names[choice]
