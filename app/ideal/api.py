"""JSON API for the ideal points. Thin: parse the request, call a query, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from app.countries import queries as country_queries
from app.deps import SessionDep
from app.ideal import views
from app.ideal.queries import PointOut
from app.openapi import NOT_FOUND, UNPROCESSABLE
from app.urls import IDEAL_POINTS_API_PATH

router = APIRouter(tags=["ideal points"])


class IdealPointOut(BaseModel):
    country: str = Field(description="ISO 3166-1 alpha-3 code (or our code for a former state)")
    year: int = Field(description="year the session opened: session N is 1945 + N, September to September")
    ideal_point: float = Field(
        description="position on the Assembly's main divide; the United States is positive"
    )
    se: float = Field(description="standard error; a 95 % interval is ideal_point +- 1.96 se")
    votes: int = Field(description="votes (yes, no, abstain) the estimate rests on")


def _out(rows: list[PointOut]) -> list[IdealPointOut]:
    return [
        IdealPointOut(country=p.code, year=p.year, ideal_point=p.ideal_point, se=p.se, votes=p.votes)
        for p in rows
    ]


DESCRIPTION = (
    "Dynamic ideal points estimated from the recorded votes with the model of Bailey, Strezhnev and Voeten "
    "(2017), re-estimated after every import and admin save; the method is on /about#ideal-points. Empty "
    "until the first fit is stored."
)


@router.get(
    IDEAL_POINTS_API_PATH,
    response_model=list[IdealPointOut],
    summary="Every state's ideal point, year by year",
    description=DESCRIPTION,
    responses=UNPROCESSABLE,
)
def list_ideal_points(
    session: SessionDep, query: Annotated[views.PointsApiQuery, Query()]
) -> list[IdealPointOut]:
    return _out(views.filtered_points(session, query))


@router.get(
    "/api/countries/{code}/ideal-points",
    response_model=list[IdealPointOut],
    summary="A state's ideal point, year by year",
    description=DESCRIPTION,
    responses={**NOT_FOUND, **UNPROCESSABLE},
)
def country_ideal_points(code: str, session: SessionDep) -> list[IdealPointOut]:
    state = country_queries.get_state(session, code)
    if state is None:
        raise HTTPException(404, f"No state with the code {code[:20]!r}.")
    return _out(views.filtered_points(session, views.PointsQuery(country=[state.code])))
