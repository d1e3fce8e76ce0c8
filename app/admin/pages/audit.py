"""The audit trail."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.admin import queries
from app.admin.guard import AdminDep
from app.admin.pages.common import render
from app.admin.views import AuditPage
from app.audit import changes
from app.deps import PageDep, SessionDep
from app.kit.page_links import PageLinks
from app.kit.text_checks import text_problem

router = APIRouter(prefix="/admin")


# Audit trail -------------------------------------------------------------------------------------------


@router.get("/audit")
def audit(
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    page: PageDep,
    action: Annotated[str, Query(max_length=32)] = "",
    entity: Annotated[str, Query(max_length=40)] = "",
    entity_id: Annotated[str, Query(max_length=128)] = "",
    actor: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    # Characters no stored value has (NUL, which PostgreSQL refuses outright) cannot match: drop them.
    action, entity, entity_id, actor = (
        v if not text_problem(v, 128) else "" for v in (action, entity, entity_id, actor)
    )
    filters = queries.AuditFilters(action=action, entity=entity, entity_id=entity_id, actor=actor)
    events, total = queries.audit_events(session, filters, page)
    pages = max(1, math.ceil(total / page.per_page))
    params = {k: v for k, v in vars(filters).items() if v}

    def page_url(n: int) -> str:
        return "/admin/audit?" + urlencode({**params, "page": n})

    context = AuditPage(
        events=[(e, changes(e.before_json, e.after_json)) for e in events],
        total=total,
        page=page.page,
        pages=pages,
        page_links=PageLinks.around(page.page, pages, page_url),
        filters=filters,
        actions=queries.audit_actions(session),
        entities=["admin_user", "error_report", "resolution", "state", "vote_intention"],
    )
    return render(request, "audit.html", admin, **dict(context))
