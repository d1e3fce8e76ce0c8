"""Typed page contexts for the pages about the record: the differences between sources and About."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from app.kit.csv import to_csv
from app.kit.page_links import PageLinks
from app.models import DifferenceKind, Resolution, SourceKind
from app.pagination import PageInfo, PageParams
from app.sources import queries, service
from app.urls import resolution_path

PER_PAGE = 100
DIFFERENCES_CSV_HEADER = [
    "symbol",
    "decision_url",
    "date",
    "title",
    "source",
    "kind",
    "country_code",
    "country_name_on_date",
    "count",
    "un_value",
    "other_value",
    "description",
]


class _Context(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class DifferencesQuery(BaseModel):
    """The filters of /differences, as they appear in its URL."""

    source: Literal["", "voeten", "dgacm", "undl"] = ""
    kind: Literal["", "date", "vote", "count", "symbol"] = ""
    page: int = Field(default=1, ge=1, le=100_000)

    def filters(self) -> queries.DifferenceFilters:
        return queries.DifferenceFilters(
            source=SourceKind(self.source) if self.source else None,
            kind=DifferenceKind(self.kind) if self.kind else None,
        )

    def url(self, path: str = "/differences", **changes: object) -> str:
        values = self.model_dump() | changes
        params = {
            k: str(v) for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)
        }
        return f"{path}?{urlencode(params)}" if params else path


class CountRow(BaseModel):
    source: str
    kind: str
    differences: int
    decisions: int
    url: str


class ListedRow(_Context):
    decision: Resolution
    text: str


class DifferencesPage(_Context):
    query: DifferencesQuery
    counts: list[CountRow]
    rows: list[ListedRow]
    info: PageInfo
    csv_url: str
    page_links: PageLinks
    source_choices: list[tuple[str, str]]
    kind_choices: list[tuple[str, str]]


def differences_page(session: Session, query: DifferencesQuery) -> DifferencesPage:
    listed, total = queries.list_differences(
        session, query.filters(), PageParams(page=query.page, per_page=PER_PAGE)
    )
    counts = [
        CountRow(
            source=service.SOURCE_NAMES[c.source],
            kind=c.kind.label,
            differences=c.differences,
            decisions=c.decisions,
            url=DifferencesQuery(source=c.source.value, kind=c.kind.value).url(),
        )
        for c in queries.difference_counts(session)
    ]
    info = PageInfo(page=query.page, per_page=PER_PAGE, total=total)
    return DifferencesPage(
        query=query,
        counts=counts,
        rows=[ListedRow(decision=item.decision, text=service.describe(item.difference)) for item in listed],
        info=info,
        csv_url=query.url("/differences.csv", page=1),
        page_links=PageLinks.around(query.page, info.pages, lambda n: query.url(page=n)),
        source_choices=[
            (k.value, service.SOURCE_NAMES[k]) for k in (SourceKind.VOETEN, SourceKind.DGACM, SourceKind.UNDL)
        ],
        kind_choices=[(k.value, k.label) for k in DifferenceKind],
    )


def differences_csv(session: Session, query: DifferencesQuery) -> str:
    listed, _ = queries.list_differences(session, query.filters(), None)
    return to_csv(
        DIFFERENCES_CSV_HEADER,
        (
            [
                item.decision.symbol,
                resolution_path(item.decision),
                item.decision.adopted_on.isoformat(),
                item.decision.title,
                item.difference.source.value,
                item.difference.kind.value,
                item.difference.code,
                item.difference.name,
                item.difference.item,
                item.difference.shown,
                item.difference.other,
                service.describe(item.difference),
            ]
            for item in listed
        ),
    )


class SourceRow(BaseModel):
    label: str
    files: int
    records: int
    first_day: str
    last_day: str
    versions: list[str]
    read_at: str


class AboutPage(_Context):
    sources: list[SourceRow]
    decisions_by_sources: list[tuple[str, int]]
    differences: int


def about_page(session: Session) -> AboutPage:
    by_kind: dict[SourceKind, list[queries.SourceFileRow]] = {}
    for row in queries.source_files(session):
        by_kind.setdefault(row.kind, []).append(row)
    sources = []
    for kind in (SourceKind.UNDL, SourceKind.DGACM, SourceKind.VOETEN):
        files = by_kind.get(kind, [])
        if not files:
            continue
        firsts = [f.first_day for f in files if f.first_day]
        lasts = [f.last_day for f in files if f.last_day]
        sources.append(
            SourceRow(
                label=kind.label,
                files=len(files),
                records=sum(f.records or 0 for f in files),
                first_day=f"{min(firsts):%Y-%m-%d}" if firsts else "",
                last_day=f"{max(lasts):%Y-%m-%d}" if lasts else "",
                versions=sorted({f.version for f in files if f.version}),
                read_at=f"{max(f.read_at for f in files):%Y-%m-%d}",
            )
        )
    combos = queries.decisions_by_sources(session)
    named = [
        (" + ".join(SourceKind(k).label for k in kinds.split()) or "unknown", count)
        for kinds, count in sorted(combos.items(), key=lambda item: -item[1])
    ]
    counts = queries.difference_counts(session)
    return AboutPage(
        sources=sources, decisions_by_sources=named, differences=sum(c.differences for c in counts)
    )
