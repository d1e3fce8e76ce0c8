"""Typed page contexts for the ideal points, the functions that fill them, and the CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import Session

from app.ideal import queries, service
from app.ideal.queries import PointOut
from app.ideal.service import DotRow, DotScale, Move, PathChart, Surprise
from app.kit.csv import to_csv
from app.models import RegionalGroup, Resolution, State
from app.urls import (
    IDEAL_POINTS_API_PATH,
    IDEAL_POINTS_CSV_PATH,
    IDEAL_POINTS_PATH,
    country_ideal_points_api_path,
    country_ideal_points_csv_path,
    country_path,
    country_surprises_path,
    ideal_points_path,
    resolution_path,
)

MOVERS_SHOWN = 15
SURPRISES_SHOWN = 50
RESOLUTION_SURPRISES_SHOWN = 10
GROUP_ORDER = [
    RegionalGroup.WESTERN_EUROPEAN_OTHERS,
    RegionalGroup.EASTERN_EUROPEAN,
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN,
    RegionalGroup.ASIA_PACIFIC,
    RegionalGroup.AFRICAN,
    RegionalGroup.NONE,
]


class _Context(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


class FitInfo(BaseModel):
    fitted_at: dt.datetime
    iterations: int
    converged: bool
    state_years: int
    recorded_votes: int
    votes: int


def fit_info(session: Session) -> FitInfo | None:
    run = queries.latest_fit(session)
    if run is None:
        return None
    return FitInfo(
        fitted_at=run.fitted_at,
        iterations=run.iterations,
        converged=run.converged,
        state_years=run.state_years,
        recorded_votes=run.recorded_votes,
        votes=run.votes,
    )


def group_label(group: RegionalGroup) -> str:
    return group.value or "No regional group"


# --- /ideal-points ------------------------------------------------------------------------------


class IndexQuery(BaseModel):
    year: int | None = Field(default=None, ge=1900, le=2100, description="the session year shown")
    since: int | None = Field(default=None, ge=1900, le=2100, description="movers: from this year")

    _none = field_validator("year", "since", mode="before")(_empty_is_none)


class GroupTable(BaseModel):
    label: str
    median: float
    points: list[PointOut]


class IndexPage(_Context):
    fit: FitInfo | None
    years: list[int]
    year: int | None
    since: int | None
    previous_url: str
    next_url: str
    rows: list[DotRow]
    scale: DotScale | None
    tables: list[GroupTable]
    movers: list[Move]
    message: str
    csv_url: str
    json_url: str
    z: float


def index_page(session: Session, query: IndexQuery) -> IndexPage:
    years = queries.years(session)
    year = query.year if query.year in years else (years[-1] if years else None)
    message = ""
    if query.year is not None and query.year not in years and years:
        message = (
            f"No estimates for {query.year}: showing {year}. Estimates run from {years[0]} to {years[-1]}."
        )
    rows: list[DotRow] = []
    scale = None
    tables: list[GroupTable] = []
    moves: list[Move] = []
    since = None
    previous_url = next_url = ""
    if year is not None:
        shown = queries.points(session, since=year, until=year)
        by_group: dict[RegionalGroup, list[PointOut]] = {}
        for p in shown:
            by_group.setdefault(p.group, []).append(p)
        grouped = [(group_label(g), by_group[g]) for g in GROUP_ORDER if g in by_group]
        low = min(p.ideal_point - service.Z95 * p.se for p in shown)
        high = max(p.ideal_point + service.Z95 * p.se for p in shown)
        rows, scale = service.dot_rows(grouped, float(min(low, 0.0)), float(max(high, 0.0)))
        tables = [
            GroupTable(
                label=label,
                median=service.medians_by_year(pts)[0][1],
                points=sorted(pts, key=lambda p: -p.ideal_point),
            )
            for label, pts in grouped
        ]
        index = years.index(year)
        previous_url = ideal_points_path(years[index - 1]) if index > 0 else ""
        next_url = ideal_points_path(years[index + 1]) if index + 1 < len(years) else ""
        wanted = query.since if query.since is not None else (years[index - 1] if index > 0 else None)
        if wanted is not None and wanted in years and wanted != year:
            since = wanted
            moves = service.movers(queries.points(session, since=since, until=since), shown, MOVERS_SHOWN)
    return IndexPage(
        fit=fit_info(session),
        years=years,
        year=year,
        since=since,
        previous_url=previous_url,
        next_url=next_url,
        rows=rows,
        scale=scale,
        tables=tables,
        movers=moves,
        message=message,
        csv_url=IDEAL_POINTS_CSV_PATH + (f"?since={year}&until={year}" if year else ""),
        json_url=IDEAL_POINTS_API_PATH + (f"?since={year}&until={year}" if year else ""),
        z=service.Z95,
    )


# --- The country page's section ----------------------------------------------------------------


class CountryYear(BaseModel):
    year: int
    ideal_point: float
    se: float
    votes: int
    group_median: float | None
    peers: list[float | None]


class CountrySection(BaseModel):
    """What a country page shows of the ideal points (templates/ideal/_country.html)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    fitted: bool
    chart: PathChart | None
    years: list[CountryYear]  # newest first
    group: str
    peers: list[str]  # names, in the order of the peers' columns
    surprises_url: str
    csv_url: str
    json_url: str
    index_url: str
    z: float


def country_section(session: Session, state: State, peers: list[State]) -> CountrySection:
    """A state's ideal point by year with its interval, its chosen peers' and its regional group's
    median (over the group's states with an estimate that year)."""
    fitted = queries.latest_fit(session) is not None
    own = queries.points(session, codes=[state.code])
    group_points = queries.points(session, group=state.regional_group) if state.regional_group.value else []
    medians = dict(service.medians_by_year(group_points))
    peer_points = [{p.year: p for p in queries.points(session, codes=[peer.code])} for peer in peers]
    series: list[tuple[str, str, list[tuple[int, float, float | None]]]] = [
        (state.name, "line-1", [(p.year, p.ideal_point, p.se) for p in own])
    ]
    if own and medians:
        first, last = own[0].year, own[-1].year
        median_points: list[tuple[int, float, float | None]] = [
            (y, m, None) for y, m in sorted(medians.items()) if first <= y <= last
        ]
        series.append((f"{group_label(state.regional_group)} median", "median", median_points))
    for index, (peer, found) in enumerate(zip(peers, peer_points, strict=True)):
        series.append(
            (peer.name, f"line-{index + 2}", [(y, p.ideal_point, None) for y, p in sorted(found.items())])
        )
    return CountrySection(
        fitted=fitted,
        chart=service.path_chart(series) if own else None,
        years=[
            CountryYear(
                year=p.year,
                ideal_point=p.ideal_point,
                se=p.se,
                votes=p.votes,
                group_median=medians.get(p.year),
                peers=[found[p.year].ideal_point if p.year in found else None for found in peer_points],
            )
            for p in reversed(own)
        ],
        group=group_label(state.regional_group),
        peers=[p.name for p in peers],
        surprises_url=country_surprises_path(state.code),
        csv_url=country_ideal_points_csv_path(state.code),
        json_url=country_ideal_points_api_path(state.code),
        index_url=IDEAL_POINTS_PATH,
        z=service.Z95,
    )


# --- Votes that did not fit -------------------------------------------------------------------


class SurprisesPage(_Context):
    state: State
    fit: FitInfo | None
    surprises: list[Surprise]
    state_url: str
    vote_urls: dict[int, str]  # the page of each vote shown, by resolution id


def _vote_url(resolution_id: int, symbol: str) -> str:
    # The fitted rows carry only the id and symbol; a Resolution-like stand-in builds the address.
    stand_in = Resolution(id=resolution_id, symbol=symbol)
    from app.models import DecisionKind

    stand_in.kind = DecisionKind.RESOLUTION if symbol else DecisionKind.SEPARATE
    return resolution_path(stand_in)


def surprises_page(session: Session, state: State) -> SurprisesPage:
    votes = queries.fitted_votes_of_state(session, state.id)
    surprises = service.surprises(votes, SURPRISES_SHOWN)
    return SurprisesPage(
        state=state,
        fit=fit_info(session),
        surprises=surprises,
        state_url=country_path(state.code),
        vote_urls={s.vote.resolution_id: _vote_url(s.vote.resolution_id, s.vote.symbol) for s in surprises},
    )


class ResolutionSurprises(BaseModel):
    """The states whose vote on a resolution the model expected least (templates/ideal/_resolution.html)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    surprises: list[Surprise]
    index_url: str


def resolution_surprises(session: Session, resolution_id: int) -> ResolutionSurprises:
    votes = queries.fitted_votes_on(session, resolution_id)
    return ResolutionSurprises(
        surprises=service.surprises(votes, RESOLUTION_SURPRISES_SHOWN),
        index_url=IDEAL_POINTS_PATH,
    )


# --- CSV and JSON ---------------------------------------------------------------------------------


class PointsQuery(BaseModel):
    """Filters of the CSV and the API."""

    country: list[Annotated[str, Field(pattern=r"^\s*([A-Za-z]{3})?\s*$")]] = Field(
        default_factory=list, max_length=250, description="ISO3 codes (repeatable)"
    )
    since: int | None = Field(default=None, ge=1900, le=2100, description="first session year")
    until: int | None = Field(default=None, ge=1900, le=2100, description="last session year")

    _none = field_validator("since", "until", mode="before")(_empty_is_none)

    @field_validator("country", mode="after")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        return [code.strip().upper() for code in value if code.strip()]

    @model_validator(mode="after")
    def _span(self) -> PointsQuery:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"the period starts in {self.since}, after it ends in {self.until}")
        return self


def _as_given(value: object) -> object:
    return value


class PointsApiQuery(PointsQuery):
    """The API's filters: an empty number is refused as the schema says (a form sends empty fields, and
    the CSV link takes them as absent; an API client has no reason to)."""

    _none = field_validator("since", "until", mode="before")(_as_given)


def filtered_points(session: Session, query: PointsQuery) -> list[PointOut]:
    return queries.points(session, codes=query.country or None, since=query.since, until=query.until)


CSV_HEADER = ["country", "name", "regional_group", "year", "ideal_point", "se", "low_95", "high_95", "votes"]


def points_csv(rows: list[PointOut]) -> str:
    """The shared CSV writer (app.kit.csv): a negative ideal point is a number, never defused."""
    return to_csv(
        CSV_HEADER,
        (
            [
                p.code,
                p.name,
                p.group.value,
                p.year,
                f"{p.ideal_point:.4f}",
                f"{p.se:.4f}",
                f"{p.ideal_point - service.Z95 * p.se:.4f}",
                f"{p.ideal_point + service.Z95 * p.se:.4f}",
                p.votes,
            ]
            for p in rows
        ),
    )
