"""JSON API for the ideal points. Thin: parse the request, call a query, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import SessionDep
from app.ideal import views
from app.ideal.schemas import DESCRIPTION, IdealPointOut, points_out
from app.openapi import UNPROCESSABLE
from app.urls import IDEAL_POINTS_API_PATH

router = APIRouter(tags=["ideal points"])


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
    return points_out(views.filtered_points(session, query))
