"""Request dependencies shared by routes, so route modules need no SQLAlchemy import."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy.orm import Session

from app.db import get_session
from app.pagination import PageParams

# One unit of work per request; scope="function" commits before the response is sent.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
PageDep = Annotated[PageParams, Depends()]
# A row id in a URL. Ids are INTEGER columns (32-bit on PostgreSQL): a larger number cannot even be
# compared with one there (nor past 64 bits on SQLite), a 500 that schemathesis found; it is a 400 instead.
# Every path parameter that is an id takes this type (tests/test_deps.py reads the routes to check).
RowId = Annotated[int, Path(ge=0, le=2**31 - 1)]
