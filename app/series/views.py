"""Typed page contexts for the series pages, and the functions that fill them."""

from __future__ import annotations

from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from app.kit.csv import to_csv
from app.kit.page_links import PageLinks
from app.models import Resolution, Series
from app.pagination import PageInfo, PageParams
from app.resolutions.search import clean_query
from app.resolutions.service import display_tally
from app.resolutions.tally import ShownTally, tallies_of, tally_of
from app.series import method, queries, service
from app.urls import (
    SERIES_PATH,
    resolution_path,
    series_api_path,
    series_csv_path,
)

PER_PAGE = 50


class _Context(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class IndexQuery(BaseModel):
    """The index's search, as it appears in its URL."""

    q: str = Field(default="", max_length=200)
    page: int = Field(default=1, ge=1, le=10_000)

    @field_validator("q", mode="after")
    @classmethod
    def _clean(cls, value: str) -> str:
        return clean_query(value)

    def words(self) -> list[str]:
        # The stored search text is normalised the same way, so "Côte" finds "cote", "Golan" "golan".
        return method.normalise(self.q).split()

    def url(self, page: int = 1, path: str = SERIES_PATH) -> str:
        params = {k: v for k, v in (("q", self.q), ("page", page if page > 1 else "")) if v}
        return f"{path}?{urlencode(params)}" if params else path


class IndexPage(_Context):
    query: IndexQuery
    results: list[Series]
    total: int
    page: int
    pages: int
    message: str
    json_url: str
    page_links: PageLinks
    tallies: dict[int, ShownTally]  # the latest vote of each series, by resolution id
    min_members: int = method.MIN_MEMBERS
    max_gap: int = method.MAX_GAP
    title_threshold: int = method.TITLE_THRESHOLD
    agenda_threshold: int = method.SAME_AGENDA_THRESHOLD


def index_page(session: Session, query: IndexQuery) -> IndexPage:
    paging = PageParams(page=query.page, per_page=PER_PAGE)
    results, total = queries.list_series(session, query.words(), paging)
    pages = PageInfo(page=query.page, per_page=PER_PAGE, total=total).pages
    message = ""
    if not total:
        message = f"No series match “{query.q}”." if query.q else "No series have been found in the data yet."
    elif query.page > pages:
        message = f"There are only {pages} pages of series."
    return IndexPage(
        query=query,
        results=results,
        total=total,
        page=query.page,
        pages=pages,
        message=message,
        json_url=query.url(query.page, "/api/series"),
        page_links=PageLinks.around(query.page, pages, query.url),
        tallies=tallies_of(session, (s.latest for s in results)),
    )


class YearRow(BaseModel):
    year: int
    resolution: Resolution
    title: str
    tally: tuple[int, int, int, int | None]
    note: str = ""  # 'roll call incomplete: N of M known' (app.resolutions.tally)

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class SeriesPage(_Context):
    series: Series
    rows: list[YearRow]
    chart: service.TallyChart | None
    switchers: list[service.Switcher]
    missing_sessions: list[int]
    csv_url: str
    json_url: str


def series_page(session: Session, series: Series) -> SeriesPage:
    members = queries.members(session, series)
    sessions = {r.session_number for r in members}
    first, last = members[0].session_number, members[-1].session_number
    tally = tally_of(session)
    return SeriesPage(
        series=series,
        rows=[
            YearRow(
                year=r.adopted_on.year,
                resolution=r,
                title=service.title_of(r),
                tally=tally(r).as_tuple(),
                note=tally(r).note,
            )
            for r in members
        ],
        chart=service.tally_chart(members),
        switchers=service.switchers(members, queries.member_votes(session, series)),
        missing_sessions=[n for n in range(first, last + 1) if n not in sessions],
        csv_url=series_csv_path(series.slug),
        json_url=series_api_path(series.slug),
    )


def series_csv(session: Session, series: Series) -> str:
    members = queries.members(session, series)
    return to_csv(
        service.CSV_HEADER,
        (
            [
                r.adopted_on.year,
                r.adopted_on.isoformat(),
                r.symbol,
                service.title_of(r),
                *(value if value is not None else "" for value in display_tally(r)),
                resolution_path(r),
            ]
            for r in members
        ),
    )
