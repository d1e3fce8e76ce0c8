"""Rebuild the stored series after an import or an admin save, inside the caller's transaction."""

from __future__ import annotations

import functools
import re
import time

from sqlalchemy.orm import Session

from app.models import DecisionKind
from app.series import method, queries

_SLUG_WORDS = re.compile(r"[a-z0-9]+")
SLUG_LENGTH = 60


def slug_for(title: str, year: int) -> str:
    """'necessity-of-ending-the-economic-commercial-and-financial-1992': the first member's title and
    year, so a series keeps its address when later years are added."""
    words = _SLUG_WORDS.findall(method.normalise(title).replace(" ", "-") or "series")
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > SLUG_LENGTH:
            break
        base = f"{base}-{word}" if base else word
    return f"{base or 'series'}-{year}"


@functools.lru_cache(maxsize=2)
def _grouped(candidates: tuple[method.Candidate, ...]) -> list[list[method.Candidate]]:
    """The grouping of these records, kept per process: most writes (an import of files already read but
    for one record, an admin's save of a vote) leave every record's title and session as they were, and
    grouping them again took a second."""
    return method.group(candidates)


def refresh_series(session: Session) -> float:
    """Group every recorded vote into series (app.series.method) and store them, unless they are stored
    so already; returns the seconds."""
    started = time.perf_counter()
    rows = queries.candidate_rows(session)
    years = {row.id: row.year for row in rows}
    candidates = tuple(
        method.candidate(
            row.id,
            row.symbol,
            row.session,
            row.kind is DecisionKind.RESOLUTION,
            row.title,
            row.description,
            row.agenda_title,
        )
        for row in rows
    )
    stored: list[queries.NewSeries] = []
    taken: set[str] = set()
    for members in _grouped(candidates):
        slug = base = slug_for(members[0].title, years[members[0].id])
        suffix = 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        keys = dict.fromkeys(key for c in members for key in (c.title_key, c.topic_key) if key)
        stored.append(
            queries.NewSeries(
                slug=slug,
                title=members[-1].title,
                search_text=" | ".join(keys),
                first_year=years[members[0].id],
                last_year=years[members[-1].id],
                member_ids=[c.id for c in members],
            )
        )
    if stored != queries.stored_series(session):
        queries.replace_series(session, stored)
    return time.perf_counter() - started
