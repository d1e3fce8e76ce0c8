"""The context of a country's Atom feed: its newest votes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.countries import queries
from app.countries.context import PageContext
from app.countries.queries import RecordEntry, RecordFilters
from app.models import State
from app.resolutions.tally import ShownTally, tally_of
from app.urls import (
    country_feed_path,
    country_path,
)

FEED_SIZE = 50


class FeedPage(PageContext):
    state: State
    entries: list[RecordEntry]
    updated: dt.datetime
    base_url: str
    page_url: str
    feed_url: str
    tallies: dict[int, ShownTally]  # by resolution id


def feed_page(session: Session, state: State, base_url: str) -> FeedPage:
    entries = queries.record_export(session, state, RecordFilters(), FEED_SIZE)
    tally = tally_of(session)
    newest = entries[0].resolution.adopted_on if entries else dt.date(1946, 1, 1)
    return FeedPage(
        state=state,
        entries=entries,
        updated=dt.datetime.combine(newest, dt.time(), tzinfo=dt.UTC),
        base_url=base_url.rstrip("/"),
        page_url=country_path(state.code),
        feed_url=country_feed_path(state.code),
        tallies={e.resolution.id: tally(e.resolution) for e in entries},
    )
