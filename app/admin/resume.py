"""A session that ends while a form is open: keep what was typed, ask to sign in again, return to the form.

When a form is posted without a live session (idled out, revoked, signed out in another tab), the guard
(app.admin.auth) raises SessionEndedError with the posted fields instead of refusing them. The sign-in page
then carries them, signed with the secret key so that only what this server produced is accepted back,
and after signing in a small page posts them again to the form they came from, as a check rather than
a save: the admin sees the form as they left it (pasted roll call included) and saves it themselves.
A stale form is then merged like any other (app.admin.merge). The request is only ever re-posted by the
admin's own click (or by the optional script on that page); nothing is saved without a fresh CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.config import get_settings

SALT = "admin-resume"
MAX_AGE = 24 * 3600  # seconds a kept form may wait for its admin to sign in again
# Fields a re-post must not carry over: the old session's token, and the button that was pressed (a
# resumed form is checked, not saved, whatever the admin pressed before the session ended).
DROPPED = {"csrf_token", "action", "resumed"}


class SessionEndedError(Exception):
    """A form posted without a live session: what to keep for after the admin signs in again."""

    def __init__(self, path: str, fields: list[tuple[str, str]]) -> None:
        super().__init__(path)
        self.path = path
        self.fields = fields


@dataclass(frozen=True)
class KeptForm:
    path: str
    fields: list[tuple[str, str]]

    @property
    def is_form(self) -> bool:
        """Whether the path shows a form again when posted as a check (resolution and state forms);
        other posts (publish, delete) only act, so they wait for an explicit click."""
        return self.path.endswith(("/resolutions/new", "/edit")) or "/states" in self.path


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().signing_key, salt=SALT)


def keep(path: str, fields: list[tuple[str, str]]) -> str:
    """The kept form as one signed token for the sign-in page's hidden field (itsdangerous compresses
    it: a pasted roll call of 193 names is ~5 KB of text)."""
    kept = [[k, v] for k, v in fields if k not in DROPPED]
    return _serializer().dumps({"path": path, "fields": kept})


def restore(token: str) -> KeptForm | None:
    """The kept form, or None if the token is not one this server signed (or is too old)."""
    if not token or len(token) > 3_000_000:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    path = data.get("path") if isinstance(data, dict) else None
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(path, str) or not path.startswith("/admin/") or not isinstance(fields, list):
        return None
    return KeptForm(path, [(str(pair[0]), str(pair[1])) for pair in fields if len(pair) == 2])
