"""Taking a reader's report of an error, and an admin's handling of it (resolved or dismissed, audited).

No account and no e-mail: a report is the page it came from, what the reader says is wrong and, if they
wish, how to reach them. Sending is throttled per address (kept only as a keyed hash) and overall, so a
script cannot flood the queue; a hidden field that people leave empty turns away the simplest bots.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.audit import Actor, record, utcnow
from app.config import get_settings
from app.db import write_session
from app.kit.text_checks import text_problem
from app.models import ErrorReport, ReportStatus
from app.reports import queries

PER_ADDRESS = 5  # reports per address and hour
OVERALL = 200  # reports per hour from everyone: beyond this the queue is being flooded
WINDOW = dt.timedelta(hours=1)
MAX_MESSAGE = 2000
MAX_CONTACT = 200
# Reports come from the pages that show records: resolutions (and recorded votes) and countries.
_PAGE = re.compile(r"^/(?:resolutions|votes|countries)/[^\s?#]{1,250}$")


def reportable(page: str) -> bool:
    return bool(_PAGE.match(page)) and page.isprintable() and ".." not in page


@dataclass
class ReportForm:
    """The report form as typed, with a message per field that cannot be accepted."""

    page: str
    message: str
    contact: str
    errors: dict[str, str] = field(default_factory=dict)


def read_form(page: str, message: str, contact: str, trap: str) -> ReportForm:
    form = ReportForm(page.strip(), message.strip(), contact.strip())
    if not reportable(form.page):
        form.errors["page"] = "Report from the page of a resolution or a country."
    if problem := text_problem(form.message, MAX_MESSAGE, multiline=True):
        form.errors["message"] = problem
    elif len(form.message) < 10:
        form.errors["message"] = "Say what is wrong (at least a few words), and where you saw it right."
    if problem := text_problem(form.contact, MAX_CONTACT):
        form.errors["contact"] = problem
    if trap:
        form.errors["message"] = "This report could not be taken."
    return form


def address_key(address: str) -> str:
    """The sender's address as a keyed hash: enough to count its reports, not to recover it."""
    secret = get_settings().signing_key.encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()


class ThrottledError(Exception):
    pass


def submit(session: Session, form: ReportForm, address: str) -> ErrorReport:
    """Queue a checked report; ThrottledError when the address or everyone has sent too many lately."""
    if not session.in_transaction():
        write_session(session)  # SQLite: take the write lock before the counts the insert depends on
    now = utcnow()
    key = address_key(address)
    if queries.sent_since(session, key, now - WINDOW) >= PER_ADDRESS:
        raise ThrottledError
    if queries.sent_since(session, None, now - WINDOW) >= OVERALL:
        raise ThrottledError
    report = ErrorReport(
        page=form.page,
        message=form.message,
        contact=form.contact,
        created_at=now,
        address_hash=key,
        status=ReportStatus.OPEN,
        handled_by="",
        handled_note="",
    )
    session.add(report)
    session.flush()
    return report


class AlreadyHandledError(Exception):
    pass


def handle(session: Session, actor: Actor, report: ErrorReport, status: ReportStatus, note: str) -> None:
    """Resolve or dismiss an open report, with the admin's note; audited."""
    if report.status is not ReportStatus.OPEN:
        raise AlreadyHandledError
    before = {"status": report.status.value}
    report.status, report.handled_by, report.handled_at, report.handled_note = (
        status,
        actor.name,
        utcnow(),
        note,
    )
    session.flush()
    record(
        session,
        actor,
        "resolve_report" if status is ReportStatus.RESOLVED else "dismiss_report",
        "error_report",
        report.id,
        f"{report.page}: {note}"[:500],
        before,
        {"status": status.value, "note": note},
    )
