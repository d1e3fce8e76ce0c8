"""Admin test helpers: an account, signed-in clients, and posting forms the way a browser does
(same-origin ``Origin`` header, the session's CSRF token)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from bs4.filter import SoupStrainer
from fastapi import FastAPI
from httpx2 import Response
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import AdminUser
from tests import factories

PASSWORD = factories.PASSWORD
ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def app(client: TestClient) -> FastAPI:
    """The application of the shared ``client`` fixture: same test transaction, same settings."""
    assert isinstance(client.app, FastAPI)
    return client.app


@pytest.fixture
def account(db: Session) -> AdminUser:
    return factories.admin(db, "ada")


@pytest.fixture
def other_account(db: Session) -> AdminUser:
    return factories.admin(db, "grace", PASSWORD + " too")


def csrf_from(html: str) -> str:
    # Only the token's input is parsed: tests ask for it before every form they post.
    token_only = SoupStrainer("input", attrs={"name": "csrf_token"})
    field = BeautifulSoup(html, "lxml", parse_only=token_only).find("input")
    assert field is not None, "no CSRF field on the page"
    return str(field["value"])


def sign_in(client: TestClient, name: str, password: str) -> Response:
    token = csrf_from(client.get("/admin/login").text)
    return client.post(
        "/admin/login",
        data={"name": name, "password": password, "csrf_token": token, "next": "/admin"},
        headers=ORIGIN,
        follow_redirects=False,
    )


@pytest.fixture
def admin_client(app: FastAPI, account: AdminUser) -> Iterator[TestClient]:
    with TestClient(app) as client:
        response = sign_in(client, "ada", PASSWORD)
        assert response.status_code == 303, response.text
        yield client


def post_form(client: TestClient, url: str, data: dict[str, Any], *, page: str = "/admin") -> Response:
    """Post as a browser would from one of our pages: with its CSRF token and our Origin."""
    token = csrf_from(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **data}, headers=ORIGIN, follow_redirects=False)


def soup(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "lxml")


def one(page: BeautifulSoup | Tag, selector: str) -> Tag:
    """The one element a selector must find."""
    node = page.select_one(selector)
    assert node is not None, f"nothing matches {selector!r}"
    return node
