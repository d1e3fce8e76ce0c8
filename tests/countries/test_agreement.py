"""Agreement, kappa, group loyalty and yearly tallies from the in-memory matrix, against counts made
directly in SQL on the real data and against hand computations."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, aliased
from starlette.testclient import TestClient

from app.countries import agreement, matrix
from app.countries.agreement import weighted_kappa
from app.countries.matrix import get_matrix
from app.countries.service import kappa_text
from app.countries.stats import StateBits, build_bits
from app.kit.figures import percent
from app.models import (
    Adoption,
    DecisionKind,
    Membership,
    RegionalGroup,
    Resolution,
    ResolutionSubject,
    State,
    Vote,
    VoteChoice,
)

COUNTED = (
    Resolution.kind == DecisionKind.RESOLUTION,
    Resolution.published.is_(True),
    Resolution.adoption == Adoption.RECORDED_VOTE,
)
Y, N, A, X = VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN, VoteChoice.NON_VOTING
WEIGHT = {(Y, Y): 1.0, (N, N): 1.0, (A, A): 1.0, (Y, A): 0.5, (A, Y): 0.5, (N, A): 0.5, (A, N): 0.5}


def ids(db: Session, *codes: str) -> list[int]:
    found = dict(db.execute(select(State.code, State.id).where(State.code.in_(codes))).all())
    return [found[c] for c in codes]


def voted_pairs(
    db: Session, a: str, b: str, first: dt.date, last: dt.date, *extra: ColumnElement[bool]
) -> list[tuple[VoteChoice, VoteChoice]]:
    ida, idb = ids(db, a, b)
    va, vb = aliased(Vote), aliased(Vote)
    rows = db.execute(
        select(va.choice, vb.choice)
        .join(vb, vb.resolution_id == va.resolution_id)
        .join(Resolution, Resolution.id == va.resolution_id)
        .where(
            va.state_id == ida,
            vb.state_id == idb,
            Resolution.adopted_on.between(first, last),
            *COUNTED,
            *extra,
        )
    ).all()
    return [(x, y) for x, y in rows if X not in (x, y)]


def kappa_by_hand(pairs: list[tuple[VoteChoice, VoteChoice]]) -> float:
    """Textbook weighted kappa from the list of vote pairs, without the bitset shortcuts."""
    n = len(pairs)
    p_o = sum(WEIGHT.get(p, 0.0) for p in pairs) / n
    ma, mb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    p_e = sum(WEIGHT.get((i, j), 0.0) * ma[i] / n * mb[j] / n for i in (Y, N, A) for j in (Y, N, A))
    return (p_o - p_e) / (1 - p_e)


class TestKappa:
    def test_tiny_example_by_hand(self) -> None:
        # Four votes: A = Y Y N A, B = Y N N Y -> p_o = (1 + 0 + 1 + 0.5) / 4 = 0.625.
        # Shares: A (Y .5, N .25, A .25), B (Y .5, N .5, A 0). p_e = .5*.5 + .25*.5 + .25*.5*.5 + .25*0...
        # = .25 (YY) + .125 (NN) + 0 (AA) + .5*(0 (YA) + .25*.5 (AY) + 0 (NA) + .25*.5 (AN)) = .5
        assert weighted_kappa(4, 2, 1, (2, 1, 1), (2, 2, 0)) == pytest.approx((0.625 - 0.5) / 0.5)

    def test_undefined_and_opposed(self) -> None:
        assert weighted_kappa(0, 0, 0, (0, 0, 0), (0, 0, 0)) is None
        assert weighted_kappa(5, 5, 0, (5, 0, 0), (5, 0, 0)) is None  # both always yes: p_e = 1
        assert (weighted_kappa(4, 0, 0, (2, 2, 0), (2, 2, 0)) or 0) < 0  # always opposite

    def test_usa_israel_1951_by_hand(self, client: TestClient, db: Session) -> None:
        pairs = voted_pairs(db, "USA", "ISR", dt.date(1951, 1, 1), dt.date(1951, 12, 31))
        assert 0 < len(pairs) < 20  # a year small enough to check by hand
        expected = kappa_by_hand(pairs)
        data = client.get("/api/compare?a=USA&b=ISR").json()
        year = next(y for y in data["years"] if y["year"] == 1951)
        assert year["votes"] == len(pairs)
        assert year["kappa"] == pytest.approx(expected)
        page = BeautifulSoup(client.get("/compare?a=USA&b=ISR").text, "lxml")
        row = next(r for r in page.select("table.pair-years tbody tr") if r.th and r.th.get_text() == "1951")
        assert row.select("td")[-1].get_text() == kappa_text(expected)

    @pytest.mark.parametrize(
        ("a", "b", "first"), [("USA", "ISR", 1980), ("FRA", "RUS", 1950), ("BRA", "IND", 2020)]
    )
    def test_decade_equals_a_self_join(self, db: Session, a: str, b: str, first: int) -> None:
        pairs = voted_pairs(db, a, b, dt.date(first, 1, 1), dt.date(first + 9, 12, 31))
        m = get_matrix(db)
        ida, idb = ids(db, a, b)
        counts = agreement.pair_counts(m, ida, idb, agreement.scope(m, m.period(first, first + 9)))
        assert counts.n == len(pairs)
        assert counts.same == sum(x == y for x, y in pairs)
        assert counts.half == sum((x == A) != (y == A) for x, y in pairs)
        assert counts.kappa == pytest.approx(kappa_by_hand(pairs))


class TestScope:
    def test_topic_counts_only_its_resolutions(self, db: Session) -> None:
        topic = select(ResolutionSubject.resolution_id).where(
            ResolutionSubject.vocabulary == "Voeten issue", ResolutionSubject.term == "Human rights"
        )
        pairs = voted_pairs(
            db, "USA", "CUB", dt.date(1946, 1, 1), dt.date(2030, 1, 1), Resolution.id.in_(topic)
        )
        m = get_matrix(db)
        usa, cub = ids(db, "USA", "CUB")
        counts = agreement.pair_counts(
            m, usa, cub, agreement.scope(m, m.period(None, None), m.topic("Human rights"))
        )
        assert counts.n == len(pairs) > 100

    def test_consensus_counts_resolutions_adopted_without_a_vote_while_both_were_members(
        self, db: Session
    ) -> None:
        without = db.scalar(
            select(func.count()).where(
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.published.is_(True),
                Resolution.adoption == Adoption.WITHOUT_VOTE,
                Resolution.adopted_on.between(dt.date(2020, 1, 1), dt.date(2025, 12, 31)),
            )
        )
        m = get_matrix(db)
        usa, isr = ids(db, "USA", "ISR")
        plain = agreement.pair_counts(m, usa, isr, agreement.scope(m, m.period(2020, 2025)))
        counted = agreement.pair_counts(m, usa, isr, agreement.scope(m, m.period(2020, 2025), consensus=True))
        assert without is not None
        assert counted.consensus == without > 500  # both members throughout
        assert (counted.n, counted.same) == (plain.n + without, plain.same + without)
        # Before September 2019 the data lists no resolution adopted without a vote: nothing changes.
        old = agreement.scope(m, m.period(1990, 1999), consensus=True)
        assert agreement.pair_counts(m, usa, isr, old).consensus == 0

    def test_a_state_admitted_later_shares_only_its_membership(self, db: Session) -> None:
        (ssd,) = ids(db, "SSD")  # South Sudan, admitted 14 July 2011
        admitted = db.scalar(select(Membership.admitted_on).where(Membership.state_id == ssd))
        assert admitted == dt.date(2011, 7, 14)
        m = get_matrix(db)
        (usa,) = ids(db, "USA")
        before = agreement.scope(m, m.period(None, 2010), consensus=True)
        assert agreement.pair_counts(m, usa, ssd, before).n == 0


class TestYearTallies:
    @pytest.mark.parametrize(("code", "year"), [("USA", 1980), ("RUS", 1975), ("IND", 2024), ("CHN", 1971)])
    def test_equal_a_count(self, db: Session, code: str, year: int) -> None:
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
        row = next(t for t in agreement.year_tallies(get_matrix(db), sid) if t.year == year)
        assert (row.yes, row.no, row.abstain, row.non_voting) == tuple(
            counted.get(c, 0) for c in (Y, N, A, X)
        )


class TestLoyalty:
    def test_one_year_by_hand(self, db: Session) -> None:
        (fra,) = ids(db, "FRA")
        weog = select(State.id).where(State.regional_group == RegionalGroup.WESTERN_EUROPEAN_OTHERS)
        rows = db.execute(
            select(Vote.resolution_id, Vote.state_id, Vote.choice)
            .join(Resolution, Resolution.id == Vote.resolution_id)
            .where(
                Vote.state_id.in_(weog),
                Resolution.adopted_on.between(dt.date(2003, 1, 1), dt.date(2003, 12, 31)),
                *COUNTED,
            )
        ).all()
        by_resolution: dict[int, Counter[VoteChoice]] = {}
        own: dict[int, VoteChoice] = {}
        for rid, sid, choice in rows:
            by_resolution.setdefault(rid, Counter())[choice] += 1
            if sid == fra:
                own[rid] = choice
        n = with_group = 0
        for rid, counts in by_resolution.items():
            top = sorted((counts[c] for c in (Y, N, A)), reverse=True)
            if own.get(rid, X) is X or top[0] == top[1]:
                continue
            n += 1
            with_group += counts[own[rid]] == top[0]
        m = get_matrix(db)
        result = agreement.loyalty(m, fra, m.period(2003, 2003))
        assert (result.n, result.with_group) == (n, with_group)
        assert n > 50

    def test_shown_on_the_country_page(self, client: TestClient) -> None:
        page = BeautifulSoup(client.get("/countries/FRA").text, "lxml")
        labels = [th.get_text() for th in page.select("table.loyalty tbody th")]
        assert labels[0] == "All years"
        assert "1990s" in labels


class TestBitSlicedMajorities:
    def test_against_a_plain_count(self) -> None:
        # Five states in one group over three decisions; decision 2 ties two-two.
        rows = [
            (1, [0, 1, 2], b"YNY"),
            (2, [0, 1, 2], b"YNN"),
            (3, [0, 1, 2], b"NAY"),
            (4, [0, 1, 2], b"AAN"),
            (5, [0], b"Y"),
        ]
        bits = build_bits(rows, 3)
        groups = dict.fromkeys(bits, RegionalGroup.AFRICAN)
        majority = matrix.majorities(bits, groups, 0b111)[RegionalGroup.AFRICAN]
        assert (majority.yes, majority.no, majority.abstain) == (0b001, 0, 0)  # decision 1: N 2, A 2 tie

    def test_es_10_24_majorities(self, db: Session) -> None:
        rid = db.scalar(select(Resolution.id).where(Resolution.symbol == "A/RES/ES-10/24"))
        assert rid is not None
        m = get_matrix(db)
        bit = 1 << rid
        assert m.majorities[RegionalGroup.EASTERN_EUROPEAN].abstain & bit
        assert m.majorities[RegionalGroup.AFRICAN].yes & bit


class TestMatrixFollowsTheData:
    def test_a_changed_vote_is_patched_in(self, db: Session) -> None:
        (usa,) = ids(db, "USA")
        before = get_matrix(db)
        resolution = db.scalar(select(Resolution).where(Resolution.symbol == "A/RES/ES-10/24"))
        assert resolution is not None
        db.execute(
            update(Vote).where(Vote.resolution_id == resolution.id, Vote.state_id == usa).values(choice=Y)
        )
        resolution.content_hash = "changed"  # what an admin save does: the resolution's version moves
        db.flush()
        after = get_matrix(db)
        assert after is not before
        assert after.states[usa].yes & (1 << resolution.id)
        assert not after.states[usa].no & (1 << resolution.id)
        unchanged = [s for s in before.states if s != usa]
        assert all(after.states[s] == before.states[s] for s in unchanged)

    def test_patching_equals_a_rebuild(self, db: Session) -> None:
        old = get_matrix(db)
        resolution = db.scalar(select(Resolution).where(Resolution.symbol == "A/RES/ES-10/24"))
        assert resolution is not None
        db.execute(update(Vote).where(Vote.resolution_id == resolution.id).values(choice=A))
        resolution.content_hash = "changed"
        db.flush()
        patched = matrix.build_matrix(db, "patched", old)
        rebuilt = matrix.build_matrix(db, "rebuilt")
        assert patched.states == rebuilt.states
        assert patched.majorities == rebuilt.majorities
        assert patched.subjects == rebuilt.subjects


class TestCountryPage:
    def test_partners_show_kappa_and_votes(self, client: TestClient) -> None:
        page = BeautifulSoup(client.get("/countries/USA?since=2001&until=2010&rank=kappa").text, "lxml")
        most = page.select("table.partners")[0]
        assert most.caption is not None
        assert most.caption.get_text() == "Most alike, 2001–2010"
        kappas = [float(td.get_text().replace("−", "-")) for td in most.select("td.kappa")]
        assert kappas == sorted(kappas, reverse=True)
        assert page.select_one("p.measure-note") is not None

    def test_api_matches_the_matrix(self, client: TestClient, db: Session) -> None:
        data = client.get(
            "/api/countries/USA/agreement?since=1990&until=1999&issue=Human+rights&limit=200"
        ).json()
        m = get_matrix(db)
        usa, isr = ids(db, "USA", "ISR")
        where = agreement.scope(m, m.period(1990, 1999), m.topic("Human rights"))
        expected = agreement.pair_counts(m, usa, isr, where)
        isr_row = next(p for p in data["most"] if p["country"] == "ISR")
        assert (isr_row["votes"], isr_row["same"], isr_row["half"]) == (
            expected.n,
            expected.same,
            expected.half,
        )
        assert data["period"] == "1990–1999, Human rights"

    def test_peers_chart_table_and_csv(self, client: TestClient) -> None:
        url = "/countries/USA?peer=ISR&peer=GBR"
        page = BeautifulSoup(client.get(url).text, "lxml")
        # The chart of agreement with the peers (the ideal points' chart beside it has lines of its own).
        (agreement,) = [
            f
            for f in page.select("figure")
            if f.figcaption and f.figcaption.get_text().startswith("Agreement of")
        ]
        assert len(agreement.select("svg.line-chart g.series")) == 2
        compare = client.get("/api/compare?a=USA&b=ISR").json()
        by_year = {y["year"]: y for y in compare["years"]}
        rows = list(
            csv.DictReader(io.StringIO(client.get("/countries/USA/years.csv?peer=ISR&peer=GBR").text))
        )
        row_1980 = next(r for r in rows if r["year"] == "1980")
        assert row_1980["agreement_ISR"] == percent(by_year[1980]["agreement"])
        assert int(row_1980["votes_ISR"]) == by_year[1980]["votes"]
        table_row = next(
            r for r in page.select("table.peer-years tbody tr") if r.th and r.th.get_text() == "1980"
        )
        assert table_row.select("td")[0].get_text() == row_1980["agreement_ISR"]

    def test_the_chosen_peers_stay_chosen(self, client: TestClient) -> None:
        page = BeautifulSoup(client.get("/countries/USA?peer=ISR&peer=GBR").text, "lxml")
        selects = page.select("form.peer-form select[name=peer]")
        chosen = [[str(o["value"]) for o in s.select("option[selected]")] for s in selects]
        assert chosen == [["ISR"], ["GBR"], [], [], []]
        names = [o.get_text() for o in selects[0].select("option")]
        assert "Israel" in names
        assert "United States of America" not in names
        assert len(names) == len(selects[4].select("option"))

    def test_the_compare_form_keeps_both_states(self, client: TestClient) -> None:
        page = BeautifulSoup(client.get("/compare?a=USA&b=ISR").text, "lxml")
        for field, code in (("a", "USA"), ("b", "ISR")):
            chosen = page.select(f"select[name={field}] option[selected]")
            assert [str(o["value"]) for o in chosen] == [code]

    def test_years_json_agrees_with_the_csv(self, client: TestClient) -> None:
        data = client.get("/api/countries/USA/years?peer=ISR").json()
        rows = {
            r["year"]: r
            for r in csv.DictReader(io.StringIO(client.get("/countries/USA/years.csv?peer=ISR").text))
        }
        y1980 = next(y for y in data if y["year"] == 1980)
        assert str(y1980["no"]) == rows["1980"]["no"]
        assert percent(y1980["peers"][0]["agreement"]) == rows["1980"]["agreement_ISR"]
        assert percent(y1980["with_group"]["share"]) == rows["1980"]["with_group_majority"]

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("/countries/USA?subject=NO+SUCH+TERM", "No resolution has the subject"),
            ("/countries/USA?issue=Astrology", "There is no issue category"),
            ("/countries/USA?peer=XYZ", "No state has the code XYZ"),
        ],
    )
    def test_unknown_choices_get_a_message(self, client: TestClient, url: str, message: str) -> None:
        response = client.get(url)
        assert response.status_code == 200
        notices = [p.get_text() for p in BeautifulSoup(response.text, "lxml").select("p.notice")]
        assert any(message in n for n in notices)

    @pytest.mark.parametrize(
        "url",
        [
            "/countries/USA?since=2000&until=1990",
            "/countries/USA?since=abc",
            "/countries/USA?peer=A&peer=B&peer=C&peer=D&peer=E&peer=F",
            "/api/countries/USA/agreement?subject=NO+SUCH+TERM",
            "/api/compare?a=USA&b=USA",
            "/api/countries/USA/years?peer=XYZ",
            "/api/compare?a=USA&b=XYZ",
            "/compare.csv?a=USA&b=XYZ",
        ],
    )
    def test_bad_input_is_a_4xx(self, client: TestClient, url: str) -> None:
        assert 400 <= client.get(url).status_code < 500

    def test_compare_csv_sums_to_the_overall_figure(self, client: TestClient) -> None:
        rows = list(csv.DictReader(io.StringIO(client.get("/compare.csv?a=USA&b=ISR&consensus=on").text)))
        overall = rows[-1]
        assert overall["year"] == "all"
        assert sum(int(r["votes"]) for r in rows[:-1]) == int(overall["votes"])
        assert int(overall["adopted_without_vote"]) > 0


def test_stats_bits_from_the_database_strings() -> None:
    built = build_bits([(7, [1, 3, 4], b"YXA")], size=6)
    assert built[7] == StateBits(yes=0b10, no=0, abstain=0b10000, non_voting=0b1000)
