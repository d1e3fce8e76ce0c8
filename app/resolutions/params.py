"""The URL parameters of /resolutions, as a model: the page, its CSV and the links built to it (a session,
a topic, a subject) read and write a URL the same way."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, Field, field_validator, model_validator

from app.models import Adoption
from app.resolutions import search, service
from app.resolutions.queries import ResolutionFilters

MAX_QUERY = 200


MARGIN_CHOICES = (5, 10, 25, 50)


class ListQuery(BaseModel):
    """The filters of /resolutions, as they appear in its URL. Empty form fields count as absent."""

    q: str = Field(default="", max_length=MAX_QUERY)
    session: str = Field(default="", max_length=12, description="79, ES-10, S-32 or XXX")
    year_from: int | None = Field(default=None, ge=1945, le=2100)
    year_to: int | None = Field(default=None, ge=1945, le=2100)
    topic: str = Field(default="", max_length=100)
    subject: str = Field(default="", max_length=300)
    adoption: Literal["", "recorded", "without"] = ""
    margin: int | None = Field(default=None, ge=0, le=200, description="at most this |yes - no|")
    sort: Literal["", "relevance", "date", "margin"] = ""
    page: int = Field(default=1, ge=1, le=100_000)

    @field_validator("year_from", "year_to", "margin", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("q", "session", "topic", "subject", mode="after")
    @classmethod
    def _clean(cls, value: str) -> str:
        # Control characters (NUL above all, which PostgreSQL refuses) become spaces; runs of spaces one.
        return search.clean_query(value)

    @model_validator(mode="after")
    def _check(self) -> ListQuery:
        if self.session and service.parse_session(self.session) is None:
            raise ValueError(f"session {self.session!r} is not a session number such as 79, ES-10 or S-32")
        return self

    def filters(self) -> ResolutionFilters:
        parsed = service.parse_session(self.session) if self.session else None
        # A search for a date ("2026-02-24", "24 February 2026") finds the votes of that day, whose
        # records carry no date in their words: a provisional record has no symbol to search for.
        day = service.parse_day(self.q)
        adoption = {"recorded": Adoption.RECORDED_VOTE, "without": Adoption.WITHOUT_VOTE}.get(self.adoption)
        return ResolutionFilters(
            session=parsed[1] if parsed else None,
            session_kind=parsed[0] if parsed else None,
            year_from=self.year_from,
            year_to=self.year_to,
            q="" if day else self.q,
            on=day,
            topic=self.topic,
            subject=self.subject,
            adoption=adoption,
            max_margin=self.margin,
            sort=self.sort or ("relevance" if self.q and not day else "date"),
        )

    def params(self, **changes: object) -> dict[str, str]:
        """The non-empty parameters as strings (for links), with ``changes`` applied."""
        values = self.model_dump() | changes
        return {k: str(v) for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}

    def url(self, path: str = "/resolutions", **changes: object) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    @property
    def is_filtered(self) -> bool:
        return bool(self.params(page=1, sort=""))
