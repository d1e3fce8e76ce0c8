"""Full-text search at the query level, on whichever database the suite runs against."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.pagination import PageParams
from app.resolutions import queries, search
from app.resolutions.queries import ResolutionFilters


def _symbols(db: Session, **filters: object) -> tuple[list[str], int]:
    rows, total = queries.list_resolutions(db, ResolutionFilters(**filters), PageParams(per_page=10))  # type: ignore[arg-type]
    return [r.symbol for r in rows], total


class TestSearch:
    def test_territorial_integrity_of_ukraine(self, db: Session) -> None:
        symbols, total = _symbols(db, q="territorial integrity of Ukraine")
        assert symbols[0] == "A/RES/68/262"
        assert "A/RES/ES-11/4" in symbols

    def test_stemming_and_subjects(self, db: Session) -> None:
        # "weapon" finds "weapons"; UNBIS subject terms are searched too.
        singular, n_singular = _symbols(db, q="nuclear weapon")
        assert n_singular > 100
        _, n_subject = _symbols(db, q="settlement policy")
        assert n_subject > 0

    def test_combined_with_filters(self, db: Session) -> None:
        _, everything = _symbols(db, q="apartheid")
        _, narrowed = _symbols(db, q="apartheid", year_from=1980, year_to=1985)
        assert 0 < narrowed < everything

    def test_sort_by_date_keeps_matches(self, db: Session) -> None:
        ranked, n1 = _symbols(db, q="territorial integrity of Ukraine")
        by_date, n2 = _symbols(db, q="territorial integrity of Ukraine", sort="date")
        assert n1 == n2
        assert sorted(ranked) == sorted(by_date)

    @pytest.mark.parametrize(
        ("q", "words"),
        [
            ('nuclear "weap', "nuclear weap"),
            ("NOT", "not"),
            ("human-rights", "human rights"),
            ("-rights", "rights"),
        ],
    )
    def test_hostile_input_is_read_as_plain_words(self, db: Session, q: str, words: str) -> None:
        """Quotes, operators and hyphens are no search syntax: they find what the plain words find (ranked
        alike at the top; a hyphenated pair ranks adjacent words higher further down)."""
        (found, total), (plain, plain_total) = _symbols(db, q=q), _symbols(db, q=words)
        assert total == plain_total
        assert found[:3] == plain[:3]

    @pytest.mark.parametrize("q", ["x" * 5000, "\x00", '"'])
    def test_hostile_input_without_a_word_finds_nothing(self, db: Session, q: str) -> None:
        assert _symbols(db, q=q) == ([], 0)

    def test_plain_words_of_hostile_input_find_something(self, db: Session) -> None:
        assert _symbols(db, q="nuclear weap")[1] > 0
        assert _symbols(db, q="human rights")[1] > 0

    def test_a_symbol_matches_its_resolution(self, db: Session) -> None:
        symbols, _ = _symbols(db, q="A/RES/75/80")
        assert symbols[0] == "A/RES/75/80"

    def test_rebuild_is_repeatable(self, db: Session) -> None:
        search.rebuild_search_index(db)
        search.rebuild_search_index(db)
        symbols, _ = _symbols(db, q="territorial integrity of Ukraine")
        assert symbols[0] == "A/RES/68/262"


class TestFts5Query:
    def test_every_word_is_quoted(self) -> None:
        assert search.fts5_query('nuclear "weap') == '"nuclear" """weap"'
        assert search.fts5_query("NOT human-rights") == '"NOT" "human-rights"'

    def test_punctuation_alone_is_not_searchable(self) -> None:
        assert not search.is_searchable('" ( * -')
        assert search.is_searchable("ES-10")

    def test_long_queries_are_capped(self) -> None:
        assert search.fts5_query(" ".join(["word"] * 100)).count('"word"') == search.MAX_TERMS
