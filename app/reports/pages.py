"""'Report an error' on resolution and country pages: a short form, no account needed. Thin: read the
form, hand it to the service, render."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.deps import SessionDep
from app.errors import ErrorPage, render_error
from app.reports import service
from app.templating import get_templates

router = APIRouter(include_in_schema=False)
REPORT_PATH = "/report"


class ReportPage(BaseModel):
    """Context of templates/reports/form.html."""

    page: str
    message: str = ""
    contact: str = ""
    errors: dict[str, str] = {}
    sent: bool = False


def _render(request: Request, context: ReportPage, status: int = 200) -> Response:
    response = get_templates().TemplateResponse(
        request, "reports/form.html", dict(context), status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _same_origin(request: Request) -> bool:
    """A report is sent from our own page: other sites cannot post them in their visitors' names."""
    claimed = request.headers.get("origin") or request.headers.get("referer") or ""
    parts = urlsplit(claimed)
    return bool(parts.netloc) and parts.netloc.lower() == request.headers.get("host", "").lower()


def _not_found(request: Request) -> Response:
    page = ErrorPage(
        title="Nothing to report here",
        message="Report an error from the page of a resolution or a country (its “Report an error” link).",
        back_url="/resolutions",
        back_label="Browse the resolutions",
    )
    return render_error(request, 404, page)


@router.get(REPORT_PATH)
def report_form(request: Request, page: Annotated[str, Query(max_length=300)] = "") -> Response:
    if not service.reportable(page):
        return _not_found(request)
    return _render(request, ReportPage(page=page))


@router.post(REPORT_PATH)
def send_report(
    request: Request,
    session: SessionDep,
    page: Annotated[str, Form(max_length=300)] = "",
    message: Annotated[str, Form(max_length=5000)] = "",
    contact: Annotated[str, Form(max_length=500)] = "",
    website: Annotated[str, Form(max_length=500)] = "",  # left empty by people (hidden), filled by bots
) -> Response:
    if not _same_origin(request):
        return render_error(
            request, 403, ErrorPage(title="Not sent", message="Send the report from our own page.")
        )
    form = service.read_form(page, message, contact, website)
    context = ReportPage(page=form.page, message=form.message, contact=form.contact, errors=form.errors)
    if form.errors:
        if "page" in form.errors:
            return _not_found(request)
        return _render(request, context, 400)
    try:
        service.submit(session, form, request.client.host if request.client else "")
    except service.ThrottledError:
        context.errors["message"] = "Too many reports were sent lately: please try again in an hour."
        response = _render(request, context, 429)
        response.headers["Retry-After"] = "3600"
        return response
    return _render(request, ReportPage(page=form.page, sent=True))
