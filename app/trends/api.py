"""JSON twin of the trends page."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.deps import SessionDep
from app.trends import views
from app.urls import TRENDS_API_PATH

router = APIRouter(prefix="", tags=["trends"])


class TrendYearOut(BaseModel):
    year: int
    recorded_votes: int
    adopted_without_vote: int = Field(description="listed only in the UN's data, from September 2019")
    complete_roll_calls: int
    share_by_recorded_vote: float | None = Field(description="null where the data cannot tell")
    average_margin: float | None = Field(description="mean of (yes - no) / (yes + no + abstain)")
    share_unanimous: float | None = Field(description="recorded votes with no vote against or abstention")
    partial_year: bool


@router.get(
    TRENDS_API_PATH, response_model=list[TrendYearOut], summary="How contested the Assembly was, by year"
)
def get_trends(session: SessionDep) -> list[TrendYearOut]:
    return [
        TrendYearOut(
            year=y.year,
            recorded_votes=y.recorded,
            adopted_without_vote=y.without_vote,
            complete_roll_calls=y.complete,
            share_by_recorded_vote=y.recorded_share,
            average_margin=y.average_margin,
            share_unanimous=y.unanimous_share,
            partial_year=y.partial,
        )
        for y in views.trend_years(session)
    ]
