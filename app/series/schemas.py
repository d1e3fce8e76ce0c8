"""What the API says about series of recurring resolutions (JSON shapes, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.models import Resolution, Series
from app.resolutions.schemas import Tally
from app.resolutions.service import display_tally
from app.series.service import Switcher, title_of
from app.urls import resolution_api_path, series_api_path, series_path


class SeriesSummary(BaseModel):
    slug: str
    title: str = Field(description="The latest member's title (before 1985: Voeten's topic label)")
    resolutions: int = Field(description="How many recorded votes the series holds")
    first_year: int
    last_year: int
    latest_symbol: str
    latest_tally: Tally = Field(description="Totals of the latest vote as shown on its page")
    url: str = Field(description="API URL of the series with its years")
    page_url: str


class SeriesYear(BaseModel):
    year: int
    date: dt.date
    symbol: str
    title: str
    tally: Tally
    url: str = Field(description="API URL of the resolution")


class SwitchOut(BaseModel):
    year: int
    symbol: str
    before: str
    after: str


class SwitcherOut(BaseModel):
    country: str = Field(description="Stable state code")
    name: str
    changes: list[SwitchOut]


class SeriesOut(SeriesSummary):
    years: list[SeriesYear]
    switchers: list[SwitcherOut] = Field(
        description="States whose yes/no/abstain changed from their previous vote in the series"
    )


class SeriesPage(BaseModel):
    page: int
    per_page: int
    total: int
    results: list[SeriesSummary]


def tally(resolution: Resolution) -> Tally:
    yes, no, abstain, non_voting = display_tally(resolution)
    return Tally(yes=yes, no=no, abstain=abstain, non_voting=non_voting)


def summary(series: Series) -> SeriesSummary:
    return SeriesSummary(
        slug=series.slug,
        title=series.title,
        resolutions=series.member_count,
        first_year=series.first_year,
        last_year=series.last_year,
        latest_symbol=series.latest.symbol,
        latest_tally=tally(series.latest),
        url=series_api_path(series.slug),
        page_url=series_path(series.slug),
    )


def detail(series: Series, members: list[Resolution], switchers: list[Switcher]) -> SeriesOut:
    return SeriesOut(
        **summary(series).model_dump(),
        years=[
            SeriesYear(
                year=r.adopted_on.year,
                date=r.adopted_on,
                symbol=r.symbol,
                title=title_of(r),
                tally=tally(r),
                url=resolution_api_path(r),
            )
            for r in members
        ],
        switchers=[
            SwitcherOut(
                country=s.code,
                name=s.name,
                changes=[
                    SwitchOut(year=c.year, symbol=c.symbol, before=c.before.api_name, after=c.after.api_name)
                    for c in s.changes
                ],
            )
            for s in switchers
        ],
    )
