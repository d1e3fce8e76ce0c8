"""Admin accounts: created from the command line only (there is no default account)."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from app.admin import queries
from app.admin.passwords import hash_password, password_problem
from app.audit import Actor, record
from app.models import AdminUser

NAME = re.compile(r"^[A-Za-z0-9._@-]{2,80}$")


class AccountError(Exception):
    pass


def create_account(session: Session, name: str, password: str) -> AdminUser:
    if not NAME.match(name):
        raise AccountError("An account name has 2 to 80 letters, digits, dots, underscores, @ or hyphens.")
    if problem := password_problem(password, name):
        raise AccountError(problem)
    if queries.user_by_name(session, name) is not None:
        raise AccountError(f"An account named {name!r} already exists.")
    user = AdminUser(name=name, password_hash=hash_password(password), disabled=False)
    session.add(user)
    session.flush()
    record(session, Actor(None, "cli"), "create", "admin_user", user.id, name)
    return user
