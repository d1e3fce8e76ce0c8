"""Page arithmetic shared by every paginated list."""

from __future__ import annotations

from math import ceil

from pydantic import BaseModel, Field

MAX_PER_PAGE = 200


class PageParams(BaseModel):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=MAX_PER_PAGE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class PageInfo(BaseModel):
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))
