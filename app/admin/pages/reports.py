"""The queue of errors readers reported: each resolved or dismissed with a note, audited."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.admin.guard import AdminDep, FormDep
from app.admin.pages.common import first, render
from app.admin.views import ReportsPage
from app.deps import RowId, SessionDep
from app.kit.text_checks import text_problem
from app.models import ReportStatus
from app.reports import queries, service

router = APIRouter(prefix="/admin")
VERBS = {"resolve": ReportStatus.RESOLVED, "dismiss": ReportStatus.DISMISSED}


def _queue(
    request: Request, admin: AdminDep, session: SessionDep, status: int = 200, **extra: str
) -> Response:
    page = ReportsPage(reports=queries.queue(session), open=queries.open_count(session), **extra)
    return render(request, "reports.html", admin, status, **dict(page))


@router.get("/reports")
def reports(request: Request, admin: AdminDep, session: SessionDep) -> Response:
    return _queue(request, admin, session)


@router.post("/reports/{report_id}/{verb}")
def handle_report(
    request: Request, report_id: RowId, verb: str, admin: AdminDep, session: SessionDep, form: FormDep
) -> Response:
    report = queries.report_by_id(session, report_id)
    if report is None or verb not in VERBS:
        raise HTTPException(404, "No such report.")
    note = first(form, "note").strip()
    problem = text_problem(note, 2000, multiline=True)
    if problem or not note:
        message = (
            problem or "Say what was done (or why nothing needs doing): the note is kept in the audit trail."
        )
        return _queue(request, admin, session, 400, error=message, error_for=str(report_id))
    try:
        service.handle(session, admin.actor, report, VERBS[verb], note)
    except service.AlreadyHandledError:
        return _queue(
            request,
            admin,
            session,
            409,
            error="Another admin handled it meanwhile.",
            error_for=str(report_id),
        )
    return RedirectResponse("/admin/reports", 303)
