"""The "Which state votes like you?" page: a GET form whose answers are the URL, so a result can be
shared; nothing is stored. Thin: the query string goes to views.quiz_page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cache.params import declares_query
from app.deps import SessionDep
from app.quiz import views
from app.quiz.questions import questions
from app.templating import get_templates
from app.urls import QUIZ_PATH

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get(QUIZ_PATH)
@declares_query(lambda: [q.key for q in questions()])  # the answers, read from the query string below
def quiz(request: Request, session: SessionDep) -> Response:
    context = views.quiz_page(session, request.query_params.multi_items())
    # A bad answer in a hand-edited link is the visitor's to fix: the form says how, with a 400.
    status = 400 if context.problems else 200
    return get_templates().TemplateResponse(request, "quiz/quiz.html", dict(context), status_code=status)
