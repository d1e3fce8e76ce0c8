"""Reading a recorded vote as the UN prints it, and matching the names to the members on the date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.admin.rollcall import match_paste, parse_paste
from app.dated_names import name_on
from app.ingest.reference import build_resolver
from app.models import Resolution, State, Vote, VoteChoice

# The Against and Abstaining lists of resolution ES-11/6 as the meeting record A/ES-11/PV.19 prints
# them (curly apostrophes, line breaks inside the lists), with a few of the 141 in favour and the
# closing sentence.
ES_11_6 = """A recorded vote was taken.

In favour:
Afghanistan, Albania, Andorra, Antigua and Barbuda, Argentina, Australia, Austria, Bahamas,
Bahrain, Barbados, Belgium, Belize, Benin, Bhutan, Bosnia and Herze-
govina, Botswana, Brazil, Brunei Darussalam, Côte d’Ivoire, Micronesia (Federated States of),
Türkiye, United Kingdom of Great Britain and Northern Ireland, United States of America.

Against:
Belarus, Democratic People’s Republic of Korea, Eritrea, Mali, Nicaragua, Russian Federation,
Syrian Arab Republic.

Abstaining:
Algeria, Angola, Armenia, Bangladesh, Bolivia (Plurinational State of), Burundi, Central African
Republic, China, Congo, Cuba, El Salvador, Ethiopia, Gabon, Guinea, India, Iran (Islamic Republic
of), Kazakhstan, Kyrgyzstan, Lao People’s Democratic Republic, Mongolia, Mozambique, Namibia,
Pakistan, South Africa, Sri Lanka, Sudan, Tajikistan, Togo, Uganda, Uzbekistan, Viet Nam, Zimbabwe.

Draft resolution A/ES-11/L.7 was adopted by 141 votes to 7, with 32 abstentions (resolution ES-11/6).
"""
DAY = dt.date(2023, 2, 23)


class TestParse:
    def test_lists_and_totals(self) -> None:
        pasted = parse_paste(ES_11_6)
        by_choice: dict[VoteChoice, list[str]] = {}
        for name, choice in pasted.names:
            by_choice.setdefault(choice, []).append(name)
        assert len(by_choice[VoteChoice.YES]) == 23
        assert "Bosnia and Herzegovina" in by_choice[VoteChoice.YES]
        assert by_choice[VoteChoice.NO][-1] == "Syrian Arab Republic"
        assert len(by_choice[VoteChoice.ABSTAIN]) == 32
        assert "Central African Republic" in by_choice[VoteChoice.ABSTAIN]
        assert "Iran (Islamic Republic of)" in by_choice[VoteChoice.ABSTAIN]
        assert pasted.totals == (141, 7, 32)
        assert not any("Draft resolution" in name for name, _ in pasted.names)

    def test_press_release_headings(self) -> None:
        pasted = parse_paste("Favour: Chile, Peru\nAgainst: None.\nAbstain: Mexico\nAbsent: Haiti")
        assert pasted.names == [
            ("Chile", VoteChoice.YES),
            ("Peru", VoteChoice.YES),
            ("None", VoteChoice.NO),
            ("Mexico", VoteChoice.ABSTAIN),
            ("Haiti", VoteChoice.NON_VOTING),
        ]

    def test_no_headings(self) -> None:
        assert parse_paste("Afghanistan, Albania").names == []


class TestMatch:
    def test_every_name_matches_on_the_date(self, db: Session) -> None:
        matched = match_paste(parse_paste(ES_11_6), build_resolver(db), DAY)
        assert matched.unmatched == []
        assert matched.repeated == []
        codes = dict(db.execute(select(State.id, State.code)).all())
        by_code = {codes[s]: c for s, c in matched.votes.items()}
        assert by_code["TUR"] == VoteChoice.YES
        assert by_code["CIV"] == VoteChoice.YES
        assert by_code["PRK"] == VoteChoice.NO
        assert by_code["LAO"] == VoteChoice.ABSTAIN
        assert len(by_code) == 23 + 7 + 32

    def test_unknown_and_repeated_names_are_reported(self, db: Session) -> None:
        text = "In favour: Israel, Narnia, Israel\nAgainst: Freedonia"
        matched = match_paste(parse_paste(text), build_resolver(db), DAY)
        assert matched.unmatched == ["Narnia", "Freedonia"]
        assert matched.repeated == ["Israel"]

    def test_names_of_the_day(self, db: Session) -> None:
        # "Turkey" before June 2022, "Swaziland" before 2018: the names the UN printed then still match.
        matched = match_paste(
            parse_paste("In favour: Turkey, Swaziland, Union of Soviet Socialist Republics"),
            build_resolver(db),
            dt.date(1980, 1, 1),
        )
        assert matched.unmatched == []

    def test_whole_real_roll_call_round_trip(self, db: Session) -> None:
        """The whole ES-11/6 roll call, printed with each state's name on the day, reads back exactly."""
        resolution = db.scalars(select(Resolution).where(Resolution.symbol == "A/RES/ES-11/6")).one()
        rows = db.execute(
            select(Vote.state_id, name_on(Vote.state_id, DAY), Vote.choice).where(
                Vote.resolution_id == resolution.id
            )
        ).all()
        lists = {c: sorted(name for _, name, choice in rows if choice == c) for c in VoteChoice}
        text = (
            f"In favour:\n{', '.join(lists[VoteChoice.YES])}.\n"
            f"Against:\n{', '.join(lists[VoteChoice.NO])}.\n"
            f"Abstaining:\n{', '.join(lists[VoteChoice.ABSTAIN])}.\n"
        )
        matched = match_paste(parse_paste(text), build_resolver(db), DAY)
        assert matched.unmatched == []
        expected = {s: c for s, _, c in rows if c != VoteChoice.NON_VOTING}
        assert matched.votes == expected
        assert len(expected) == 141 + 7 + 32
