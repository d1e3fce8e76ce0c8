"""The context of the page for a country code we do not know: the nearest names as suggestions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.countries import queries, service
from app.countries.context import Link, PageContext
from app.urls import (
    COUNTRIES_PATH,
    country_path,
)


class NotFoundPage(PageContext):
    title: str
    message: str
    suggestions: list[Link]
    back_url: str
    back_label: str


def not_found_page(session: Session, code: str, back_url: str = COUNTRIES_PATH) -> NotFoundPage:
    shown = code.strip()[:40]
    suggestions = [
        Link(label=f"{name} ({found})", url=country_path(found))
        for found, name in service.nearest(shown, queries.name_candidates(session))
    ]
    return NotFoundPage(
        title="No such country",
        message=f"There is no state with the code “{shown}” in our data. "
        "Codes are ISO 3166-1 alpha-3, e.g. USA.",
        suggestions=suggestions,
        back_url=back_url,
        back_label="Browse all countries",
    )
