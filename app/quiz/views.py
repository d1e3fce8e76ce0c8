"""Typed page context for "Which state votes like you?" and the function that fills it."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from app.models import Resolution, VoteChoice
from app.quiz import queries, service
from app.quiz.questions import Question, questions
from app.resolutions.service import display_tally
from app.urls import QUIZ_PATH

CLOSEST = 10
FURTHEST = 5


class Item(BaseModel):
    """One question as the page shows it."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    question: Question
    resolution: Resolution
    tally: tuple[int, int, int, int | None]
    answer: str  # yes / no / abstain / skip


class QuizPage(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    items: list[Item]
    problems: list[str]
    answered: int
    needed: int
    closest: list[service.Match]
    furthest: list[service.Match]
    share_url: str
    choices: list[tuple[str, str]]


def _word(choice: VoteChoice | None) -> str:
    return choice.api_name if choice else "skip"


def quiz_page(session: Session, pairs: Iterable[tuple[str, str]]) -> QuizPage:
    asked = questions()
    found = queries.resolutions_by_symbol(session, [q.symbol for q in asked])
    asked = [q for q in asked if q.symbol in found]  # a question whose vote is not in the data is not asked
    answers, problems = service.read_answers(pairs, [q.key for q in asked])
    by_resolution = {found[q.symbol].id: answers[q.key] for q in asked if q.key in answers}
    ranked = service.matches(by_resolution, queries.votes_on(session, list(by_resolution))) if answers else []
    needed = service.enough(len(answers))
    ranked = [m for m in ranked if m.n >= needed]
    return QuizPage(
        items=[
            Item(
                question=q,
                resolution=found[q.symbol],
                tally=display_tally(found[q.symbol]),
                answer=_word(answers.get(q.key)),
            )
            for q in asked
        ],
        problems=problems,
        answered=len(answers),
        needed=needed,
        closest=ranked[:CLOSEST],
        furthest=ranked[::-1][:FURTHEST] if len(ranked) > CLOSEST else [],
        share_url=QUIZ_PATH + "?" + urlencode({k: _word(v) for k, v in answers.items()})
        if answers
        else QUIZ_PATH,
        choices=[("yes", "Yes"), ("no", "No"), ("abstain", "Abstain"), ("skip", "Skip")],
    )
