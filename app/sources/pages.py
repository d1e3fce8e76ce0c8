"""Pages about the record itself: where it comes from (About) and where its sources differ."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.deps import SessionDep
from app.sources import views
from app.templating import get_templates

router = APIRouter(tags=["pages"], include_in_schema=False)


def _render(request: Request, template: str, context: BaseModel) -> Response:
    return get_templates().TemplateResponse(request, template, dict(context))


@router.get("/about")
def about(request: Request, session: SessionDep) -> Response:
    return _render(request, "about.html", views.about_page(session))


@router.get("/differences.csv")
def differences_csv(session: SessionDep, query: Annotated[views.DifferencesQuery, Query()]) -> Response:
    return Response(
        views.differences_csv(session, query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="differences.csv"'},
    )


@router.get("/differences")
def differences(
    request: Request, session: SessionDep, query: Annotated[views.DifferencesQuery, Query()]
) -> Response:
    return _render(request, "sources/differences.html", views.differences_page(session, query))
