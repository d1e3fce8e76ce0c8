"""Load what a card or an embed shows: the URL's symbol, vote id or country code turned into a loaded row,
or a reason why there is none. Reuses the resolution and country queries; no SQL of its own."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from app.countries import queries as country_queries
from app.countries.agreement import year_tallies
from app.countries.matrix import get_matrix
from app.countries.service import bars_width
from app.countries.share import CountryCard
from app.countries.share import country_card as build_country_card
from app.data_version import data_version
from app.models import Resolution, State
from app.resolutions import lookup
from app.resolutions.share import ResolutionCard
from app.resolutions.share import resolution_card as build_resolution_card
from app.resolutions.tally import tally_of
from app.resolutions.views import shown_symbol
from app.share import shorten
from app.symbols import normalize_symbol
from app.urls import country_path, resolution_path


class NotFoundError(Exception):
    """The URL names nothing we have; the message says what was looked for."""


def find_resolution(session: Session, symbol: str) -> Resolution:
    found = lookup.lookup_symbol(session, normalize_symbol(symbol) or symbol.strip()).resolution
    if found is None:
        raise NotFoundError(f"There is no resolution with the symbol “{shown_symbol(symbol)}” in our data.")
    return found


def find_vote(session: Session, decision_id: int) -> Resolution:
    found = lookup.get_decision(session, decision_id)
    if found is None:
        raise NotFoundError(f"There is no recorded vote with the number {decision_id}.")
    return found


def find_state(session: Session, code: str) -> State:
    found = country_queries.get_state(session, code)
    if found is None:
        shown = code.strip()[:40]
        raise NotFoundError(
            f"There is no state with the code “{shown}” in our data. Codes are ISO 3166-1 alpha-3, e.g. USA."
        )
    return found


def country_card(session: Session, state: State) -> CountryCard:
    return build_country_card(state, year_tallies(get_matrix(session), state.id))


def version(session: Session) -> str:
    """The data version the cards' ETags are built on: any import or admin save changes it."""
    return data_version(session)


class _Context(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class ResolutionEmbed(_Context):
    """Context of templates/embed/resolution.html."""

    card: ResolutionCard
    short_title: str
    page_url: str


class CountryEmbed(_Context):
    """Context of templates/embed/country.html."""

    card: CountryCard
    chart_width: int
    page_url: str


def resolution_card(session: Session, resolution: Resolution) -> ResolutionCard:
    return build_resolution_card(resolution, tally_of(session)(resolution))


def resolution_embed(session: Session, resolution: Resolution) -> ResolutionEmbed:
    card = build_resolution_card(resolution, tally_of(session)(resolution))
    return ResolutionEmbed(
        card=card,
        short_title=shorten(card.title, 160) if card.title != card.heading else "",
        page_url=resolution_path(resolution),
    )


def country_embed(session: Session, state: State) -> CountryEmbed:
    card = country_card(session, state)
    return CountryEmbed(card=card, chart_width=bars_width(card.bars), page_url=country_path(state.code))
