"""What every admin route module shares: rendering an admin page, reading a form field, safe redirects."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.models import VoteChoice
from app.templating import get_templates

CHOICES = [(c.value, c.label) for c in VoteChoice]


def render(request: Request, template: str, admin: Any, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("errors", {})
    csrf = admin.csrf_token if admin is not None else context.pop("signin_csrf", "")
    return get_templates().TemplateResponse(
        request, f"admin/{template}", {"admin": admin, "csrf_token": csrf, **context}, status_code=status
    )


def first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def safe_next(target: str) -> str:
    """Only a path inside the admin: no other site, no header-breaking characters."""
    ok = (
        target.startswith("/admin")
        and "//" not in target
        and "\\" not in target
        and len(target) < 300
        and target.isascii()
        and target.isprintable()
    )
    return target if ok else "/admin"


def form_version(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
