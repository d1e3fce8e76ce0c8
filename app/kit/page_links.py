"""The links of a pager, as data: a page context holds strings, not functions, so a test can read every
link it offers and a template cannot call back into Python."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel


class PageLinks(BaseModel):
    first: str
    previous: str  # "" on the first page
    next: str  # "" on the last page (or past it)

    @classmethod
    def around(cls, page: int, pages: int, url: Callable[[int], str]) -> PageLinks:
        """The links from ``page`` of ``pages``, each made by ``url`` from a page number."""
        return cls(
            first=url(1),
            previous=url(page - 1) if page > 1 else "",
            next=url(page + 1) if page < pages else "",
        )
