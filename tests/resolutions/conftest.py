"""Helpers for the resolution page tests: parse HTML and count SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sqlalchemy import event
from sqlalchemy.orm import Session


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def one(node: Tag, selector: str) -> Tag:
    """The element a selector must find."""
    found = node.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def statements(db: Session) -> Iterator[StatementCounter]:
    """Counts the SQL statements sent on the test's connection (savepoint commands aside)."""
    counter = StatementCounter()
    conn = db.connection()
    event.listen(conn, "before_cursor_execute", counter)
    yield counter
    event.remove(conn, "before_cursor_execute", counter)
