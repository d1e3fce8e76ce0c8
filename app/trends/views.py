"""The typed context of the trends page, its CSV and the function that fills them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from app.countries.service import LineChart, line_chart
from app.kit.csv import to_csv
from app.trends import queries, service
from app.trends.service import TrendYear
from app.urls import TRENDS_API_PATH, TRENDS_CSV_PATH


class TrendsPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    years: list[TrendYear]  # newest first, as the table shows them
    chart: LineChart | None
    share_from: int | None  # first year with a share of recorded votes
    csv_url: str
    json_url: str


def trend_years(session: Session) -> list[TrendYear]:
    return service.trend_years(
        queries.year_counts(session), queries.first_without_vote(session), queries.last_decision(session)
    )


def trends_page(session: Session) -> TrendsPage:
    years = trend_years(session)

    def series(pick: str) -> list[tuple[int, float]]:
        return [(y.year, v) for y in years if (v := getattr(y, pick)) is not None]

    chart = line_chart(
        [
            ("Average margin", series("average_margin")),
            ("Unanimous recorded votes", series("unanimous_share")),
            ("Adopted by recorded vote", series("recorded_share")),
        ]
    )
    return TrendsPage(
        years=years[::-1],
        chart=chart,
        share_from=next((y.year for y in years if y.recorded_share is not None), None),
        csv_url=TRENDS_CSV_PATH,
        json_url=TRENDS_API_PATH,
    )


CSV_HEADER = [
    "year",
    "recorded_votes",
    "adopted_without_vote",
    "complete_roll_calls",
    "share_by_recorded_vote",
    "average_margin",
    "share_unanimous",
    "partial_year",
]


def trends_csv(session: Session) -> str:
    def figure(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    return to_csv(
        CSV_HEADER,
        (
            [
                y.year,
                y.recorded,
                y.without_vote,
                y.complete,
                figure(y.recorded_share),
                figure(y.average_margin),
                figure(y.unanimous_share),
                "yes" if y.partial else "",
            ]
            for y in trend_years(session)
        ),
    )
