"""The rules that make one record per decision, tested on their own (no database): matching Voeten's roll
calls to the UN's records by their votes, and which source supplies each field."""

from __future__ import annotations

import datetime as dt
import random

from app.ingest.matching import RollCall, match_roll_calls
from app.ingest.merge import official_decision, separate_vote
from app.ingest.prepare import Decision, build_decision
from app.ingest.reconcile import reconcile
from app.ingest.records import Record, SourceFile
from app.models import Adoption, DecisionKind, DifferenceKind, SessionKind, SourceKind

UNDL = SourceFile(SourceKind.UNDL, "undl.csv", "u")
DGACM = SourceFile(SourceKind.DGACM, "80.json", "d")
VOETEN = SourceFile(SourceKind.VOETEN, "un_roll_calls.csv", "v")
STATES = 120


def _letters(seed: int, yes: float = 0.6, no: float = 0.2) -> str:
    """A roll call of STATES states: a pattern of its own for each seed."""
    rng = random.Random(seed)
    return "".join(
        "Y" if (r := rng.random()) < yes else "N" if r < yes + no else "A" if r < 0.95 else "X"
        for _ in range(STATES)
    )


def _change(letters: str, states: range, to: str) -> str:
    return "".join(to if i in states else c for i, c in enumerate(letters))


def _call(
    letters: str, day: dt.date = dt.date(1975, 11, 10), session: int | None = 30, number: str | None = None
) -> RollCall:
    return RollCall(day, session, number, letters)


class TestMatching:
    def test_the_same_votes_match_whatever_the_reference_says(self) -> None:
        a, b = _letters(1), _letters(2)
        voeten = [_call(a, number="A/RES/3118(XXX)"), _call(b, number="A/RES/3117(XXX)")]
        official = [_call(b, number="A/RES/3118(XXX)"), _call(a, number="A/RES/3117(XXX)")]
        pairs = {(m.voeten, m.official) for m in match_roll_calls(voeten, official)}
        assert pairs == {(0, 1), (1, 0)}  # Voeten's numbers swapped: the votes decide

    def test_dates_weeks_apart_still_match_in_the_same_session(self) -> None:
        votes = _letters(3)
        matches = match_roll_calls(
            [_call(votes, dt.date(1947, 11, 6), 2)], [_call(votes, dt.date(1947, 11, 29), 2)]
        )
        assert [(m.voeten, m.official) for m in matches] == [(0, 0)]

    def test_another_session_does_not_match(self) -> None:
        votes = _letters(4)
        assert not match_roll_calls([_call(votes, session=30)], [_call(votes, session=31)])

    def test_a_few_states_coded_differently_still_match(self) -> None:
        votes = _letters(5)
        (match,) = match_roll_calls([_call(_change(votes, range(3), "N"))], [_call(votes)])
        assert match.disagreements <= 3

    def test_a_different_vote_does_not_match(self) -> None:
        assert not match_roll_calls([_call(_letters(6))], [_call(_letters(7))])

    def test_loosely_alike_needs_the_same_number_or_totals(self) -> None:
        votes = _letters(8)
        # 10 states voting in Voeten's record only: too many to be near-identical by votes alone.
        voeten = _change(votes, range(100, 110), "Y") if votes[100:110].count("Y") < 10 else votes
        official = _change(votes, range(100, 110), "X")
        assert not match_roll_calls(
            [_call(voeten, number="A/RES/1/1")], [_call(official, number="A/RES/1/2")]
        )
        matched = match_roll_calls([_call(voeten, number="A/RES/1/1")], [_call(official, number="A/RES/1/1")])
        assert len(matched) == 1

    def test_each_roll_call_matches_at_most_once_the_closest_first(self) -> None:
        votes = _letters(9)
        near = _change(votes, range(2), "A")
        official = [_call(near), _call(votes)]
        (match,) = match_roll_calls([_call(votes)], official)
        assert match.official == 1  # the identical one, though the other is also near-identical

    def test_among_identical_candidates_the_same_number_wins(self) -> None:
        votes = "Y" * STATES
        voeten = [_call(votes, number="A/RES/63/49")]
        official = [_call(votes, number="A/RES/63/47"), _call(votes, number="A/RES/63/49")]
        (match,) = match_roll_calls(voeten, official)
        assert match.official == 1


def _record(source: SourceFile, **fields: object) -> Record:
    values: dict[str, object] = {
        "source": source,
        "line": 1,
        "day": dt.date(2017, 12, 21),
        "symbol": "A/RES/ES-10/19",
        "session_kind": SessionKind.EMERGENCY_SPECIAL,
        "session_number": 10,
        "adoption": Adoption.RECORDED_VOTE,
        "has_roll_call": True,
    }
    values.update(fields)
    return Record(**values)  # type: ignore[arg-type]


def _decision(record: Record, letters: str) -> Decision:
    return build_decision(record, letters)


class TestMerge:
    def test_the_library_decides_date_title_and_roll_call(self) -> None:
        undl = _decision(
            _record(UNDL, title="Status of Jerusalem", meeting_record="A/ES-10/PV.37", undl_id=1), "YYNA"
        )
        voeten = _decision(
            _record(
                VOETEN,
                day=dt.date(2017, 12, 1),
                title="JERUSALEM",
                description="STATUS OF JERUSALEM, ISRAELI ACTIONS",
                symbol="A/RES/ES-10/19",
                voeten_rcid=5588,
                voeten_ref="ESS/10/19",
                important_vote=True,
                subjects={("Voeten issue", "Palestinian conflict")},
            ),
            "YANA",
        )
        merged = official_decision(undl, None, voeten)
        r = merged.record
        assert (r.symbol, r.day, r.title, r.meeting_record) == (
            "A/RES/ES-10/19",
            dt.date(2017, 12, 21),
            "Status of Jerusalem",
            "A/ES-10/PV.37",
        )
        assert merged.letters == "YYNA"
        assert r.important_vote is True
        assert ("Voeten issue", "Palestinian conflict") in r.subjects
        assert (r.voeten_rcid, r.voeten_ref, r.undl_id) == (5588, "ESS/10/19", 1)
        assert r.description == "JERUSALEM. STATUS OF JERUSALEM, ISRAELI ACTIONS"
        assert merged.sources == (SourceKind.UNDL, SourceKind.VOETEN)
        kinds = {(d.kind, d.state_id, d.item): (d.shown, d.other) for d in merged.differences}
        assert kinds[(DifferenceKind.DATE, None, "")] == ("2017-12-21", "2017-12-01")
        assert kinds[(DifferenceKind.VOTE, 1, "")] == ("Y", "A")
        assert kinds[(DifferenceKind.COUNT, None, "yes")] == ("2", "1")

    def test_dgacm_decides_the_official_totals_and_agenda(self) -> None:
        undl = _decision(_record(UNDL, title="Library title", agenda_item="5"), "YYN")
        dgacm = _decision(
            _record(
                DGACM,
                title="DGACM title",
                agenda_item="5",
                agenda_title="Illegal Israeli actions",
                draft_symbol="A/ES-10/L.22",
                official_yes=2,
                official_no=1,
                official_abstain=0,
            ),
            "YYN",
        )
        r = official_decision(undl, dgacm, None).record
        assert (r.title, r.draft_symbol, r.agenda_title) == (
            "Library title",
            "A/ES-10/L.22",
            "Illegal Israeli actions",
        )
        assert (r.official_yes, r.official_no, r.official_abstain) == (2, 1, 0)

    def test_a_library_symbol_that_cannot_exist_gives_way_to_dgacm(self) -> None:
        undl = _decision(_record(UNDL, symbol="", source_symbol="A/RES/79/XX"), "YN")
        dgacm = _decision(_record(DGACM, symbol="A/RES/79/290"), "YN")
        (merged,) = reconcile([undl, dgacm])
        assert merged.record.symbol == "A/RES/79/290"
        assert [(d.source, d.kind, d.other) for d in merged.differences] == [
            (SourceKind.UNDL, DifferenceKind.SYMBOL, "A/RES/79/XX")
        ]

    def test_voeten_alone_lacking_a_state_is_a_vote_it_does_not_have(self) -> None:
        undl = _decision(_record(UNDL), "YX")
        voeten = _decision(_record(VOETEN, voeten_rcid=1), "XY")
        votes = {
            d.state_id: (d.shown, d.other)
            for d in official_decision(undl, None, voeten).differences
            if d.kind is DifferenceKind.VOTE
        }
        assert votes == {0: ("Y", ""), 1: ("X", "Y")}

    def test_a_separate_vote_carries_no_symbol(self) -> None:
        voeten = _decision(
            _record(
                VOETEN, kind=DecisionKind.RESOLUTION, symbol="A/RES/2758(XXVI) A", voeten_ref="R/26/2758A"
            ),
            "YN",
        )
        vote = separate_vote(voeten, ("symbol", "A/RES/2758(XXVI)"))
        assert (vote.record.symbol, vote.record.kind, vote.record.adopted) == (
            "",
            DecisionKind.SEPARATE,
            None,
        )
        assert vote.record.voeten_ref == "R/26/2758A"
        assert vote.parent == ("symbol", "A/RES/2758(XXVI)")


def test_separate_votes_go_under_the_resolution_their_siblings_matched() -> None:
    """Voeten's R/26/2758A to G: G matches the adoption; A to F are placed under it."""
    adoption = _letters(10)
    undl = _decision(
        _record(
            UNDL,
            symbol="A/RES/2758(XXVI)",
            day=dt.date(1971, 10, 25),
            session_kind=SessionKind.REGULAR,
            session_number=26,
        ),
        adoption,
    )
    roll_calls = [
        _decision(
            _record(
                VOETEN,
                symbol=f"A/RES/2758(XXVI) {part}",
                day=dt.date(1971, 10, 7),
                session_kind=SessionKind.REGULAR,
                session_number=26,
                voeten_rcid=1184 + i,
                voeten_ref=f"R/26/2758{part}",
            ),
            adoption if part == "G" else _letters(20 + i),
        )
        for i, part in enumerate("ABCDEFG")
    ]
    decisions = reconcile([undl, *roll_calls])
    resolutions = [d for d in decisions if d.record.kind is DecisionKind.RESOLUTION]
    assert [d.record.symbol for d in resolutions] == ["A/RES/2758(XXVI)"]
    assert resolutions[0].record.voeten_rcid == 1190
    others = [d for d in decisions if d.record.kind is not DecisionKind.RESOLUTION]
    assert len(others) == 6
    assert {d.parent for d in others} == {("symbol", "A/RES/2758(XXVI)")}
    assert all(d.record.symbol == "" and d.content_hash for d in others)


def test_voeten_alone_keeps_its_references() -> None:
    """An import of Voeten's data alone has nothing to match against: its records stand as they are."""
    voeten = _decision(_record(VOETEN, voeten_rcid=7), "YN")
    (decision,) = reconcile([voeten])
    assert decision.record.symbol == "A/RES/ES-10/19"
    assert decision.content_hash
