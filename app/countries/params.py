"""The country pages' URL parameters, as models: the filters of the list, of a country's page (its record,
its agreement lists and charts) and of the comparison of two states. A page and its JSON and CSV twins take
the same model, so they read a URL the same way."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, Field, field_validator, model_validator

from app.countries import queries, service
from app.countries.queries import RecordFilters
from app.models import RegionalGroup
from app.urls import (
    COMPARE_PATH,
)

MAX_QUERY = 200


MAX_PEERS = 5  # states whose agreement a country page charts at once


GROUP_SLUGS: dict[str, RegionalGroup] = {
    "african": RegionalGroup.AFRICAN,
    "asia-pacific": RegionalGroup.ASIA_PACIFIC,
    "eastern-european": RegionalGroup.EASTERN_EUROPEAN,
    "latin-american-caribbean": RegionalGroup.LATIN_AMERICAN_CARIBBEAN,
    "weog": RegionalGroup.WESTERN_EUROPEAN_OTHERS,
    "none": RegionalGroup.NONE,
}


def _strip(value: str) -> str:
    # Control characters (NUL above all, which PostgreSQL refuses) become spaces, runs of spaces one.
    return queries.clean_text(value)


def query_string(params: dict[str, object]) -> str:
    """Only the parameters that differ from their defaults, so every view has one short URL."""
    kept = {k: v for k, v in params.items() if v not in ("", None, []) and not (k == "page" and v == 1)}
    return ("?" + urlencode(kept, doseq=True)) if kept else ""


class ListQuery(BaseModel):
    q: str = Field(default="", max_length=MAX_QUERY)
    group: Literal[
        "", "african", "asia-pacific", "eastern-european", "latin-american-caribbean", "weog", "none"
    ] = ""
    status: Literal["", "member", "former", "observer"] = ""

    _strip_q = field_validator("q", mode="after")(_strip)


VoteWord = Literal["", "yes", "no", "abstain", "non_voting"]


class RecordFilterQuery(BaseModel):
    """The filters of a country's record, as they appear in its URL: the page, its CSV and its JSON twin
    (/api/countries/{code}/votes) all read them with this model, so they return the same rows. Empty form
    fields count as absent."""

    q: str = Field(default="", max_length=MAX_QUERY, description="Words or a symbol, e.g. 'ES-10/24'")
    year: int | None = Field(default=None, ge=1945, le=2100)
    topic: str = Field(default="", max_length=100, description="One of Voeten's issue categories")
    vote: VoteWord = ""

    @field_validator("year", mode="before")
    @classmethod
    def _empty_year_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_filters = field_validator("q", "topic", mode="after")(_strip)

    def filters(self) -> RecordFilters:
        return RecordFilters(
            year=self.year,
            topic=self.topic,
            choice=service.VOTE_WORDS[self.vote] if self.vote else None,
            q=self.q,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.year or self.topic or self.vote)


class RecordQuery(RecordFilterQuery):
    """Everything a country page reads from its URL: the record's filters and page, and the span, topic
    and chosen states of its agreement lists and charts (their JSON twins take the same model)."""

    page: int = Field(default=1, ge=1, le=100_000)
    # The agreement lists: any span of years, a topic, and whether consensus adoptions count.
    period: int | None = Field(default=None, ge=1940, le=2100, description="a decade (older links)")
    since: int | None = Field(default=None, ge=1945, le=2100)
    until: int | None = Field(default=None, ge=1945, le=2100)
    issue: str = Field(default="", max_length=100, description="one of Voeten's issue categories")
    subject: str = Field(default="", max_length=300, description="a UNBIS subject term")
    consensus: bool = False
    rank: Literal["", "agreement", "kappa"] = ""
    peer: list[str] = Field(default_factory=list, max_length=MAX_PEERS, description="states to chart")

    @field_validator("period", "since", "until", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_text = field_validator("issue", "subject", mode="after")(_strip)

    @field_validator("peer", mode="after")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        codes = [_strip(code).upper()[:8] for code in value]
        return list(dict.fromkeys(code for code in codes if code))

    @model_validator(mode="after")
    def _span(self) -> RecordQuery:
        if self.period is not None and self.since is None and self.until is None:
            # ?period=1995 (the old per-decade lists) means the 1990s.
            decade = self.period - self.period % 10
            self.since, self.until, self.period = decade, decade + 9, None
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"the period starts in {self.since}, after it ends in {self.until}")
        return self

    def params(self, **changes: object) -> dict[str, object]:
        values: dict[str, object] = {
            "q": self.q,
            "year": self.year,
            "topic": self.topic,
            "vote": self.vote,
            "since": self.since,
            "until": self.until,
            "issue": self.issue,
            "subject": self.subject,
            "consensus": "on" if self.consensus else "",
            "rank": self.rank,
            "peer": self.peer,
            "page": self.page,
        }
        values.update(changes)
        return values

    def url(self, path: str, **changes: object) -> str:
        return path + query_string(self.params(**changes))


class CompareQuery(BaseModel):
    a: str = Field(default="", max_length=MAX_QUERY)
    b: str = Field(default="", max_length=MAX_QUERY)
    year: int | None = Field(default=None, ge=1945, le=2100)
    consensus: bool = False
    page: int = Field(default=1, ge=1, le=100_000)

    @field_validator("year", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    _strip_codes = field_validator("a", "b", mode="after")(_strip)

    def url(self, path: str = COMPARE_PATH, **changes: object) -> str:
        values: dict[str, object] = {
            "a": self.a,
            "b": self.b,
            "year": self.year,
            "consensus": "on" if self.consensus else "",
            "page": self.page,
        }
        values.update(changes)
        return path + query_string(values)
