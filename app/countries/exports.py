"""The country pages' CSV twins: a state's record, the table behind its yearly charts, and two states'
agreement year by year."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.countries import queries
from app.countries.agreement import pair_figures, resolve_scope
from app.countries.country_page import find_peers, year_rows
from app.countries.matrix import get_matrix
from app.countries.params import RecordQuery
from app.kit.csv import to_csv
from app.models import State
from app.urls import (
    resolution_path,
)

CSV_LIMIT = 20_000


YEARS_CSV_HEADER = ["year", "yes", "no", "abstain", "non_voting", "with_group_majority"]


def years_csv(session: Session, state: State, query: RecordQuery) -> str:
    """The table behind the yearly charts of a country page: its votes, its loyalty to its group and
    its agreement with the chosen states, per year."""
    m = get_matrix(session)
    where, _ = resolve_scope(m, query)
    peers, _ = find_peers(session, state, query.peer)
    header = list(YEARS_CSV_HEADER)
    for p in peers:
        header += [f"agreement_{p.code}", f"kappa_{p.code}", f"votes_{p.code}"]
    rows = []
    for row in reversed(year_rows(m, state, query, peers, where)):
        cells: list[object] = [row.year, row.yes, row.no, row.abstain, row.non_voting, row.loyalty]
        for cell in row.peers:
            cells += [cell.agreement, cell.kappa, cell.n] if cell else ["", "", 0]
        rows.append(cells)
    return to_csv(header, rows)


CSV_HEADER = ["date", "symbol", "title", "vote", "name_on_date", "url"]


def record_csv(session: Session, state: State, query: RecordQuery, base_url: str) -> str:
    entries = queries.record_export(session, state, query.filters(), CSV_LIMIT)
    return to_csv(
        CSV_HEADER,
        (
            [
                e.resolution.adopted_on.isoformat(),
                e.resolution.symbol,
                e.resolution.title,
                e.choice.api_name,
                e.name,
                base_url + resolution_path(e.resolution),
            ]
            for e in entries
        ),
    )


COMPARE_CSV_HEADER = ["year", "votes", "same", "half", "adopted_without_vote", "agreement", "kappa"]


def compare_csv(session: Session, a: State, b: State, consensus: bool) -> str:
    overall, years = pair_figures(session, a, b, consensus)
    rows = []
    for year, c in [*years, ("all", overall)]:
        kappa = "" if c.kappa is None else f"{c.kappa:.4f}"
        share = "" if c.agreement is None else f"{c.agreement:.4f}"
        rows.append([year, c.n, c.same, c.half, c.consensus, share, kappa])
    return to_csv(COMPARE_CSV_HEADER, rows)
