"""Full-text search over resolutions: one interface, two engines.

SQLite uses the FTS5 table ``resolution_fts`` (porter stemming, rowid = resolution id) ranked by bm25;
PostgreSQL a table of weighted tsvectors ranked by ts_rank_cd. Both are filled from the resolution
tables by ``rebuild_search_index`` (after every import and admin save), because subjects live in another
table and triggers on ``resolution`` alone would miss them. This module is the only place that knows
which engine is in use: ``queries.list_resolutions`` asks for ``matches(...)`` and joins it.
"""

from __future__ import annotations

import re

from sqlalchemy import Float, Integer, Subquery, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

# Symbol and title count most, then the description, agenda item, Voeten's reference and subject terms
# (SQLite column order: symbol, title, body). PostgreSQL puts symbol and title in weight A, the rest in B.
_BM25 = "bm25(resolution_fts, 10.0, 5.0, 1.0)"
# More words than this adds nothing to a search and only costs time.
MAX_TERMS = 24
_WORD = re.compile(r"\w")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Fill the index from the resolution tables: every resolution ({only} and {where} empty), or one
# ({only} and {where} select it, with :id bound).
_SQLITE_INSERT = """
    INSERT INTO resolution_fts (rowid, symbol, title, body)
    SELECT r.id, r.symbol, r.title,
           r.description || ' ' || r.agenda_title || ' ' || r.voeten_ref || ' ' || coalesce(s.terms, '')
    FROM resolution AS r
    LEFT JOIN (
        SELECT resolution_id, group_concat(term, ' ') AS terms FROM resolution_subject {only}
        GROUP BY resolution_id
    ) AS s ON s.resolution_id = r.id
    {where}
"""

# The symbol goes in twice: as the parser reads it (a file-path token, A/RES/68/262) and split at the
# slashes with the 'simple' configuration, so that "ES-10" or "68/262" typed alone also match.
_POSTGRES_INSERT = """
    INSERT INTO resolution_fts (resolution_id, document)
    SELECT r.id,
           setweight(to_tsvector('simple', r.symbol || ' ' || replace(r.symbol, '/', ' ')), 'A')
           || setweight(to_tsvector('english', r.title), 'A')
           || setweight(to_tsvector('english',
                  r.description || ' ' || r.agenda_title || ' ' || r.voeten_ref || ' '
                  || coalesce(s.terms, '')), 'B')
    FROM resolution AS r
    LEFT JOIN (
        SELECT resolution_id, string_agg(term, ' ') AS terms FROM resolution_subject {only}
        GROUP BY resolution_id
    ) AS s ON s.resolution_id = r.id
    {where}
"""
_EVERY = {"only": "", "where": ""}
_ONE = {"only": "WHERE resolution_id = :id", "where": "WHERE r.id = :id"}


def _insert(session: Session) -> str:
    return _SQLITE_INSERT if _dialect(session) == "sqlite" else _POSTGRES_INSERT


def refresh_search_entry(session: Session, resolution_id: int) -> None:
    """Bring one resolution's search entry in step (an admin save): its row is rewritten, or removed if
    the resolution is gone. Rebuilding the whole index on every save cost 0.2 s on SQLite, most of an
    admin's wait, and under load held a serving worker's CPU."""
    key = "rowid" if _dialect(session) == "sqlite" else "resolution_id"
    session.execute(text(f"DELETE FROM resolution_fts WHERE {key} = :id"), {"id": resolution_id})
    session.execute(text(_insert(session).format(**_ONE)), {"id": resolution_id})


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def rebuild_search_index(session: Session, *, skip_if_filled: bool = False) -> None:
    """Refill the search index from the resolution tables, inside the caller's transaction.

    ``skip_if_filled``: an import that changed nothing leaves a filled index alone (on PostgreSQL the
    rebuild costs most of a second), but still fills an empty one.
    """
    if skip_if_filled and session.execute(text("SELECT 1 FROM resolution_fts LIMIT 1")).first():
        return
    session.execute(text("DELETE FROM resolution_fts"))
    session.execute(text(_insert(session).format(**_EVERY)))


def clean_query(q: str) -> str:
    """What is left of a user's query once control characters (PostgreSQL refuses NUL) and runs of
    spaces are gone."""
    return " ".join(_CONTROL.sub(" ", q).split())


def has_control_chars(text: str) -> bool:
    """Control characters never occur in symbols or terms, and PostgreSQL refuses NUL in any string."""
    return bool(_CONTROL.search(text))


def fts5_query(q: str) -> str:
    """A user's words as an FTS5 query: every word a quoted string, so nothing the user types (quotes,
    AND/OR/NOT, NEAR, column filters, a trailing *) is read as FTS5 syntax. Words must all match.
    Empty if nothing searchable remains."""
    terms = [t for t in clean_query(q).split(" ") if _WORD.search(t)][:MAX_TERMS]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def is_searchable(q: str) -> bool:
    """Whether a query has any word to look for (punctuation alone matches nothing)."""
    return bool(fts5_query(q))


def matches(session: Session, q: str) -> Subquery:
    """Resolutions matching ``q`` as a subquery of (resolution_id, rank); a lower rank is a better match.

    Callers check ``is_searchable`` first: a query with no words has no meaningful match.
    """
    if _dialect(session) == "sqlite":
        fts = table("resolution_fts", column("rowid", Integer))
        return (
            select(
                literal_column("resolution_fts.rowid", Integer).label("resolution_id"),
                literal_column(_BM25, Float).label("rank"),
            )
            .select_from(fts)
            .where(text("resolution_fts MATCH :fts_query").bindparams(fts_query=fts5_query(q)))
            .subquery("search")
        )
    pg = table("resolution_fts", column("resolution_id", Integer), column("document"))
    # A hyphen is no search syntax (as in fts5_query): "human-rights" finds what "human rights" finds. Left
    # in, websearch_to_tsquery reads a leading one as NOT and a joined pair as one compound token that
    # titles written with a space never contain.
    tsquery = func.websearch_to_tsquery("english", clean_query(q.replace("-", " "))[:1000])
    # Normalisation 1 divides by 1 + log(length), so a short title that says exactly what was asked
    # outranks a long text that repeats the words.
    rank = func.ts_rank_cd(pg.c.document, tsquery, 1)
    return (
        select(pg.c.resolution_id.label("resolution_id"), (-rank).label("rank"))
        .where(pg.c.document.op("@@")(tsquery))
        .subquery("search")
    )
