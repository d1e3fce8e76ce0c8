"""The context of /compare: two states' agreement over all years and year by year, and the votes on which
they differed."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.countries import queries, service
from app.countries.agreement import pair_figures
from app.countries.context import PageContext
from app.countries.country_page import PER_PAGE
from app.countries.params import CompareQuery
from app.countries.queries import Difference
from app.kit.figures import percent
from app.kit.page_links import PageLinks
from app.models import State
from app.pagination import PageInfo, PageParams
from app.urls import (
    COMPARE_API_PATH,
    COMPARE_CSV_PATH,
    country_path,
)


class PairYearRow(BaseModel):
    year: int
    n: int
    same: int
    half: int
    consensus: int
    agreement: str
    kappa: str
    url: str  # the differences of that year


class CompareForm(BaseModel):
    """What the pick-two-states form needs."""

    a: str
    b: str
    consensus: bool
    states: tuple[tuple[str, str], ...]  # code, name
    message: str


class ComparePage(PageContext):
    form: CompareForm
    a: State | None
    b: State | None
    n: int
    consensus: int  # of the n, resolutions adopted without a vote, counted as agreement
    agreement: str
    kappa: str
    years: list[PairYearRow]
    chart: service.LineChart | None
    differences: list[Difference]
    info: PageInfo
    query: CompareQuery
    page_links: PageLinks
    all_years_url: str
    csv_url: str
    json_url: str
    a_url: str
    b_url: str


def compare_form(session: Session, query: CompareQuery, message: str) -> CompareForm:
    return CompareForm(
        a=query.a.upper(),
        b=query.b.upper(),
        consensus=query.consensus,
        states=queries.state_choices(session),
        message=message,
    )


def compare_page(
    session: Session, query: CompareQuery, a: State | None, b: State | None, message: str
) -> ComparePage:
    form = compare_form(session, query, message)
    if a is None or b is None or a.id == b.id:
        return ComparePage(
            form=form,
            a=a,
            b=b,
            n=0,
            consensus=0,
            agreement="–",
            kappa="–",
            years=[],
            chart=None,
            differences=[],
            info=PageInfo(page=1, per_page=PER_PAGE, total=0),
            query=query,
            page_links=PageLinks.around(1, 1, lambda n: query.url(page=n)),
            all_years_url=query.url(year=None, page=1),
            csv_url="",
            json_url="",
            a_url=country_path(a.code) if a else "",
            b_url=country_path(b.code) if b else "",
        )
    overall, years = pair_figures(session, a, b, query.consensus)
    canonical = query.model_copy(update={"a": a.code, "b": b.code})
    differences = queries.pair_differences(
        session, a, b, PageParams(page=query.page, per_page=PER_PAGE), query.year
    )
    counted = overall if query.year is None else dict(years).get(query.year)
    total = counted.differ if counted is not None else 0
    info = PageInfo(page=query.page, per_page=PER_PAGE, total=total)
    return ComparePage(
        form=form,
        a=a,
        b=b,
        n=overall.n,
        consensus=overall.consensus,
        agreement=percent(overall.agreement),
        kappa=service.kappa_text(overall.kappa),
        years=[
            PairYearRow(
                year=year,
                n=c.n,
                same=c.same,
                half=c.half,
                consensus=c.consensus,
                agreement=percent(c.agreement),
                kappa=service.kappa_text(c.kappa),
                url=canonical.url(year=year, page=1) + "#differences",
            )
            for year, c in reversed(years)
        ],
        chart=service.line_chart([("", [(year, c.agreement or 0.0) for year, c in years])]),
        differences=differences,
        info=info,
        query=canonical,
        page_links=PageLinks.around(query.page, info.pages, lambda p: canonical.url(page=p) + "#differences"),
        all_years_url=canonical.url(year=None, page=1) + "#differences",
        csv_url=canonical.url(COMPARE_CSV_PATH, year=None, page=1),
        json_url=canonical.url(COMPARE_API_PATH, year=None, page=1),
        a_url=country_path(a.code),
        b_url=country_path(b.code),
    )
