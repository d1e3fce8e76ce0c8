"""'Which state votes like you?' on the real data: the questions, the scores, partial and bad answers.

Hand-computed from the data: on A/RES/ES-11/1 (Ukraine, 2022) the United States and Israel voted yes,
Russia no, China abstained; on A/RES/80/4 (Cuba embargo, 2025) the United States and Israel voted no,
Russia and China yes. A visitor answering yes and no agrees with the United States and Israel on both
(100 %), with Russia on neither (0 %), and with China half of one question (0.5 / 2 = 25 %).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import VoteChoice
from app.quiz import service
from app.quiz.queries import resolutions_by_symbol, votes_on
from app.quiz.questions import load_questions, questions
from app.urls import QUIZ_PATH
from tests.resolutions.conftest import one, soup


def _scores(html: str, table: str) -> dict[str, tuple[str, str]]:
    rows = soup(html).select(f"table.{table} tbody tr")
    return {
        one(r, "th").get_text(strip=True): tuple(td.get_text(strip=True) for td in r.select("td"))  # type: ignore[misc]
        for r in rows
    }


class TestQuestions:
    def test_every_question_is_a_recorded_vote_in_the_data(self, db: Session) -> None:
        asked = questions()
        assert 8 <= len(asked) <= 12
        found = resolutions_by_symbol(db, [q.symbol for q in asked])
        assert sorted(found) == sorted(q.symbol for q in asked)
        assert all(r.adoption.value == "recorded_vote" for r in found.values())
        years = sorted(r.adopted_on.year for r in found.values())
        assert years[0] <= 1975 and years[-1] >= 2022  # noqa: PT018 (one fact: the list spans the eras)

    def test_a_broken_file_is_named(self, tmp_path: Path) -> None:
        bad = tmp_path / "quiz.toml"
        bad.write_text('[[question]]\nkey = "Bad Key"\nsymbol = "x"\nquestion = "q"\nwhy = "w"\n')
        with pytest.raises(RuntimeError, match="quiz.toml"):
            load_questions(bad)


class TestScoring:
    def test_read_answers(self) -> None:
        answers, problems = service.read_answers(
            [("a", "YES"), ("b", "skip"), ("c", ""), ("utm_source", "x")], ["a", "b", "c"]
        )
        assert (answers, problems) == ({"a": VoteChoice.YES}, [])
        _, problems = service.read_answers([("a", "maybe")], ["a"])
        assert len(problems) == 1
        assert "yes, no, abstain or skip" in problems[0]
        _, problems = service.read_answers([("a", "yes"), ("a", "no")], ["a"])
        assert problems == ["a is answered twice, differently."]

    def test_enough_shared_questions(self) -> None:
        assert [service.enough(n) for n in (1, 2, 3, 11, 12)] == [1, 1, 2, 6, 6]


class TestPage:
    def test_hand_computed_scores(self, client: TestClient) -> None:
        response = client.get(QUIZ_PATH, params={"ukraine-2022": "yes", "cuba-2025": "no"})
        assert response.status_code == 200
        closest = _scores(response.text, "quiz-closest")
        assert closest["United States of America"] == ("100.0 %", "2")
        assert closest["Israel"] == ("100.0 %", "2")
        furthest = _scores(response.text, "quiz-furthest")
        # Russia, Belarus, the DPRK, Syria, Nicaragua... voted against both answers: more than five at 0 %.
        assert len(furthest) == 5
        assert {score for score, _n in furthest.values()} == {"0.0 %"}
        assert response.context["share_url"] == f"{QUIZ_PATH}?ukraine-2022=yes&cuba-2025=no"  # type: ignore[attr-defined]

    def test_china_gets_half_a_point_for_abstaining(self, db: Session) -> None:
        found = resolutions_by_symbol(db, ["A/RES/ES-11/1", "A/RES/80/4"])
        answers = {found["A/RES/ES-11/1"].id: VoteChoice.YES, found["A/RES/80/4"].id: VoteChoice.NO}
        by_code = {m.code: m for m in service.matches(answers, votes_on(db, list(answers)))}
        china, russia = by_code["CHN"], by_code["RUS"]
        assert (china.n, china.same, china.half, china.agreement) == (2, 0, 1, 0.25)
        assert (russia.n, russia.same, russia.half, russia.agreement) == (2, 0, 0, 0.0)

    def test_empty_form_and_answers_kept_in_the_form(self, client: TestClient) -> None:
        page = soup(client.get(QUIZ_PATH).text)
        assert not page.select(".quiz-results")
        assert len(page.select("fieldset.quiz-question")) == len(questions())
        page = soup(client.get(QUIZ_PATH, params={"crimea-2014": "abstain"}).text)
        assert one(page, 'input[name="crimea-2014"][value="abstain"]').has_attr("checked")
        assert one(page, 'input[name="cuba-2025"][value="skip"]').has_attr("checked")

    def test_old_question_only_ranks_states_that_voted_then(self, client: TestClient) -> None:
        closest = _scores(client.get(QUIZ_PATH, params={"china-1971": "yes"}).text, "quiz-closest")
        assert all(n == "1" for _, n in closest.values())

    @pytest.mark.parametrize(
        "query",
        ["cuba-2025=maybe", "cuba-2025=yes&cuba-2025=no", "cuba-2025=%00", "cuba-2025=" + "x" * 5000],
    )
    def test_bad_query_strings_get_a_form_message(self, client: TestClient, query: str) -> None:
        response = client.get(f"{QUIZ_PATH}?{query}")
        assert response.status_code == 400
        assert one(soup(response.text), ".error[role=alert]")
        assert soup(response.text).select("fieldset.quiz-question")

    def test_unknown_parameters_are_ignored(self, client: TestClient) -> None:
        assert client.get(QUIZ_PATH, params={"utm_source": "x", "nope": "yes"}).status_code == 200
