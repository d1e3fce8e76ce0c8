"""The precomputed country aggregates equal a direct recomputation from the votes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from app.countries import stats
from app.countries.stats import StateBits, pair_agreements, refresh_country_aggregates
from app.models import (
    Adoption,
    DecisionKind,
    Resolution,
    State,
    StatePairAgreement,
    StateYearTally,
    Vote,
    VoteChoice,
)

COUNTED = (
    Resolution.kind == DecisionKind.RESOLUTION,
    Resolution.published.is_(True),
    Resolution.adoption == Adoption.RECORDED_VOTE,
)


def ids(db: Session, *codes: str) -> list[int]:
    found = dict(db.execute(select(State.code, State.id).where(State.code.in_(codes))).all())
    return [found[c] for c in codes]


@pytest.mark.parametrize(("code", "year"), [("USA", 1980), ("RUS", 1975), ("IND", 2024), ("CHN", 1971)])
def test_year_tally_equals_a_count(db: Session, code: str, year: int) -> None:
    (sid,) = ids(db, code)
    counted = dict(
        db.execute(
            select(Vote.choice, func.count())
            .join(Resolution, Resolution.id == Vote.resolution_id)
            .where(
                Vote.state_id == sid,
                Resolution.adopted_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                *COUNTED,
            )
            .group_by(Vote.choice)
        ).all()
    )
    row = db.get(StateYearTally, (sid, year))
    assert row is not None
    assert (row.yes, row.no, row.abstain, row.non_voting) == (
        counted.get(VoteChoice.YES, 0),
        counted.get(VoteChoice.NO, 0),
        counted.get(VoteChoice.ABSTAIN, 0),
        counted.get(VoteChoice.NON_VOTING, 0),
    )


@pytest.mark.parametrize(
    ("a", "b", "decade"), [("USA", "ISR", 1980), ("FRA", "RUS", 1950), ("BRA", "IND", 2020)]
)
def test_pair_agreement_equals_a_self_join(db: Session, a: str, b: str, decade: int) -> None:
    ida, idb = ids(db, a, b)
    va, vb = aliased(Vote), aliased(Vote)
    pairs = db.execute(
        select(va.choice, vb.choice)
        .join(vb, vb.resolution_id == va.resolution_id)
        .join(Resolution, Resolution.id == va.resolution_id)
        .where(
            va.state_id == ida,
            vb.state_id == idb,
            va.choice != VoteChoice.NON_VOTING,
            vb.choice != VoteChoice.NON_VOTING,
            Resolution.adopted_on.between(dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31)),
            *COUNTED,
        )
    ).all()
    low, high = sorted((ida, idb))
    row = db.get(StatePairAgreement, (low, high, decade))
    assert row is not None
    assert row.n == len(pairs)
    assert row.same == sum(x == y for x, y in pairs)
    assert row.half == sum((x == VoteChoice.ABSTAIN) != (y == VoteChoice.ABSTAIN) for x, y in pairs)


def test_refresh_follows_a_changed_vote(db: Session) -> None:
    usa, isr = ids(db, "USA", "ISR")
    resolution = db.scalar(select(Resolution).where(Resolution.symbol == "A/RES/ES-10/24"))
    assert resolution is not None
    before = db.get(StateYearTally, (usa, 2024))
    assert before is not None
    no_before = before.no
    db.execute(
        update(Vote)
        .where(Vote.resolution_id == resolution.id, Vote.state_id == usa)
        .values(choice=VoteChoice.YES)
    )
    seconds = refresh_country_aggregates(db)
    db.expire_all()
    after = db.get(StateYearTally, (usa, 2024))
    assert after is not None
    assert after.no == no_before - 1
    assert seconds < 30
    assert db.get(StatePairAgreement, (min(usa, isr), max(usa, isr), 2020)) is not None


def test_pair_arithmetic_on_a_tiny_example() -> None:
    # Three resolutions (bits 0-2): A votes Y, N, A; B votes Y, A, A; C only voted on resolution 0 (N).
    bits = {
        1: StateBits(yes=0b001, no=0b010, abstain=0b100, non_voting=0),
        2: StateBits(yes=0b001, no=0, abstain=0b110, non_voting=0),
        3: StateBits(yes=0, no=0b001, abstain=0, non_voting=0b010),
    }
    rows = set(pair_agreements(bits, {2020: 0b111}))
    assert rows == {(1, 2, 2020, 3, 2, 1), (1, 3, 2020, 1, 0, 0), (2, 3, 2020, 1, 0, 0)}


def test_bits_from_the_database_strings() -> None:
    built = stats.build_bits([(7, [1, 3, 4], b"YXA")], size=6)
    assert built[7] == StateBits(yes=0b10, no=0, abstain=0b10000, non_voting=0b1000)


def test_a_refresh_with_nothing_changed_is_skipped(db: Session) -> None:
    before = db.scalar(select(func.count()).select_from(StatePairAgreement))
    assert refresh_country_aggregates(db, skip_if_filled=True) < 0.5
    assert db.scalar(select(func.count()).select_from(StatePairAgreement)) == before
