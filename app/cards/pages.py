"""Share-card images and embeddable widgets. Thin: turn the URL into a loaded row or a 404 with a reason,
then draw the card or render the embed.

Cards carry an ETag built from the data version (the same one the page cache gives), so a client or a
proxy revalidates with If-None-Match and gets a 304 until an import or an admin save changes the data.
The rendered bytes are kept by the page cache (app/cache), keyed by that same version, like every page:
a card is drawn once per data version and worker, in about 30 ms (benchmarks/cards.py). Drawing is the
dearest thing a reader can ask for (about seven cards a second took a whole worker), so each client may
have only so many drawn (RENDERS_PER_SECOND, RENDER_BURST); past that a card it asks for that is not
already drawn gets a 429 with Retry-After. Cards already drawn come from the page cache, uncounted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.cards import render, views
from app.deps import RowId, SessionDep
from app.kit.etag import cache_key, etag_for, etag_matches
from app.kit.ratelimit import RateLimiter
from app.templating import get_templates

T = TypeVar("T")
router = APIRouter(tags=["cards"], include_in_schema=False)

# Scrapers (Facebook, Slack, Mastodon) fetch an image once and keep it; browsers revalidate cheaply.
CARD_CACHE_CONTROL = "public, max-age=600, stale-while-revalidate=86400"
# A page shared on a social network brings one scraper per network: a few cards at once, then quiet.
RENDERS_PER_SECOND = 1.0
RENDER_BURST = 10


def _renders(request: Request) -> RateLimiter:
    """The application's limiter of card renders (one per app: a worker, or a test's app)."""
    limiter = getattr(request.app.state, "card_renders", None)
    if limiter is None:
        limiter = request.app.state.card_renders = RateLimiter(RENDERS_PER_SECOND, RENDER_BURST)
    return limiter


def _png(request: Request, session: SessionDep, draw: Callable[[], bytes]) -> Response:
    etag = etag_for(views.version(session), cache_key(request.scope))
    headers = {"ETag": etag, "Cache-Control": CARD_CACHE_CONTROL}
    if etag_matches(etag, request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    # A background refresh of the page cache has no client: the server's own work, never refused.
    wait = _renders(request).take(request.client.host) if request.client else 0
    if wait:
        raise HTTPException(
            429,
            f"Too many share cards drawn for you: try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    return Response(draw(), media_type="image/png", headers=headers)


def _embed(request: Request, template: str, context: BaseModel) -> Response:
    return get_templates().TemplateResponse(request, template, dict(context))


def _or_404(find: Callable[[], T]) -> T:
    """What ``find`` loads, or a 404 page that says what was looked for."""
    try:
        return find()
    except views.NotFoundError as missing:
        raise HTTPException(404, str(missing)) from None


# HEAD, which link checkers and scrapers send first for an image, is answered for every route by
# app/head.py.
@router.get("/cards/resolutions/{symbol:path}.png")
def resolution_card(symbol: str, request: Request, session: SessionDep) -> Response:
    resolution = _or_404(lambda: views.find_resolution(session, symbol))
    return _png(
        request, session, lambda: render.render_resolution(views.resolution_card(session, resolution))
    )


@router.get("/cards/votes/{decision_id:int}.png")
def vote_card(decision_id: RowId, request: Request, session: SessionDep) -> Response:
    resolution = _or_404(lambda: views.find_vote(session, decision_id))
    return _png(
        request, session, lambda: render.render_resolution(views.resolution_card(session, resolution))
    )


@router.get("/cards/countries/{code}.png")
def country_card(code: str, request: Request, session: SessionDep) -> Response:
    state = _or_404(lambda: views.find_state(session, code))
    return _png(request, session, lambda: render.render_country(views.country_card(session, state)))


@router.get("/embed/resolutions/{symbol:path}")
def resolution_embed(symbol: str, request: Request, session: SessionDep) -> Response:
    resolution = _or_404(lambda: views.find_resolution(session, symbol))
    return _embed(request, "embed/resolution.html", views.resolution_embed(session, resolution))


@router.get("/embed/votes/{decision_id:int}")
def vote_embed(decision_id: RowId, request: Request, session: SessionDep) -> Response:
    resolution = _or_404(lambda: views.find_vote(session, decision_id))
    return _embed(request, "embed/resolution.html", views.resolution_embed(session, resolution))


@router.get("/embed/countries/{code}")
def country_embed(code: str, request: Request, session: SessionDep) -> Response:
    state = _or_404(lambda: views.find_state(session, code))
    return _embed(request, "embed/country.html", views.country_embed(session, state))
