"""Request dependencies shared by routes, so route modules need no SQLAlchemy import."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from app.db import get_session
from app.pagination import PageParams

# One unit of work per request; scope="function" commits before the response is sent.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
PageDep = Annotated[PageParams, Depends()]
