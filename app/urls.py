"""Every URL the app builds, so that templates and API responses never concatenate paths.

Resolutions are addressed by their UN symbol as the UN writes it, slashes included
(/resolutions/A/RES/ES-10/24). Recorded votes without a symbol of their own (Voeten's separate votes on
amendments and paragraphs) are addressed by id under /votes/.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import HTTPConnection

from app.config import get_settings
from app.models import DecisionKind, Resolution


def _has_page(resolution: Resolution) -> bool:
    return resolution.kind is DecisionKind.RESOLUTION and bool(resolution.symbol)


# A resolution whose symbol is not yet known (a provisional record) is addressed by its session and
# date: /resolutions/on/ES-11/2026-02-24. The address keeps working once the symbol is known (it then
# redirects to the symbol's page), so links shared on the day of the vote do not break.
PAGE_KEY_PREFIX = "on/"


def _page_key_path(resolution: Resolution) -> str | None:
    if resolution.kind is DecisionKind.RESOLUTION and resolution.page_key and not resolution.symbol:
        return PAGE_KEY_PREFIX + resolution.page_key
    return None


def page_name(resolution: Resolution) -> str:
    """What stands for the symbol in the resolution's addresses: the symbol, or on/<page key>."""
    return _page_key_path(resolution) or resolution.symbol


def symbol_path(symbol: str) -> str:
    """The page of the resolution with this UN symbol."""
    return "/resolutions/" + quote(symbol, safe="/()-")


def resolution_path(resolution: Resolution) -> str:
    if _has_page(resolution):
        return symbol_path(resolution.symbol)
    if key := _page_key_path(resolution):
        return symbol_path(key)
    return f"/votes/{resolution.id}"


def roll_call_csv_path(resolution: Resolution) -> str:
    """The roll call of a resolution or recorded vote as CSV."""
    return resolution_path(resolution) + ".csv"


def groups_csv_path(resolution: Resolution) -> str:
    """How the regional groups and the P5 split on a vote, as CSV."""
    return resolution_path(resolution) + "/groups.csv"


def symbol_api_path(symbol: str) -> str:
    """The JSON of the resolution with this UN symbol."""
    return "/api/resolutions/" + quote(symbol, safe="/()-")


def resolution_api_path(resolution: Resolution) -> str:
    if _has_page(resolution):
        return symbol_api_path(resolution.symbol)
    if key := _page_key_path(resolution):
        return symbol_api_path(key)
    return f"/api/votes/{resolution.id}"


def country_path(code: str) -> str:
    return f"/countries/{code}"


def country_api_path(code: str) -> str:
    return f"/api/countries/{code}"


COUNTRIES_PATH = "/countries"
COMPARE_PATH = "/compare"  # the comparison form submits here; compare_path() builds a filled-in link


def country_csv_path(code: str) -> str:
    """A country's voting record as CSV (a suffix route, registered before the country page)."""
    return f"/countries/{code}.csv"


def country_years_csv_path(code: str) -> str:
    """The table behind a country page's yearly charts, as CSV."""
    return f"/countries/{code}/years.csv"


COMPARE_CSV_PATH = "/compare.csv"  # two states' agreement year by year (?a=USA&b=ISR)
COMPARE_API_PATH = "/api/compare"


TRENDS_PATH = "/trends"
TRENDS_CSV_PATH = "/trends.csv"
TRENDS_API_PATH = "/api/trends"


def country_feed_path(code: str) -> str:
    return f"/countries/{code}/feed.atom"


def compare_path(a: str, b: str) -> str:
    return COMPARE_PATH + "?" + urlencode({"a": a, "b": b})


DATA_PATH = "/data"  # the record as files (a data package: app/opendata)


def data_file_path(name: str) -> str:
    return f"{DATA_PATH}/{name}"


SERIES_PATH = "/series"  # series of recurring resolutions
QUIZ_PATH = "/which-state-votes-like-you"


def series_path(slug: str) -> str:
    return f"{SERIES_PATH}/{slug}"


def series_csv_path(slug: str) -> str:
    return f"{SERIES_PATH}/{slug}.csv"


def series_api_path(slug: str) -> str:
    return f"/api/series/{slug}"


# Share cards (Open Graph images) and embeddable widgets mirror the page they stand for:
# /resolutions/A/RES/ES-10/24 -> /cards/resolutions/A/RES/ES-10/24.png and /embed/resolutions/A/RES/ES-10/24.
CARDS_PREFIX = "/cards"
EMBED_PREFIX = "/embed"


def resolution_card_path(resolution: Resolution) -> str:
    return CARDS_PREFIX + resolution_path(resolution) + ".png"


def resolution_embed_path(resolution: Resolution) -> str:
    return EMBED_PREFIX + resolution_path(resolution)


def country_card_path(code: str) -> str:
    return CARDS_PREFIX + country_path(code) + ".png"


def country_embed_path(code: str) -> str:
    return EMBED_PREFIX + country_path(code)


def public_base(request: HTTPConnection) -> str:
    """Where the public reaches the site, without a trailing slash: UNGA_PUBLIC_URL, else the address the
    server answers on (the socket's, as in the quick start's http://127.0.0.1:8000). Never the request's
    Host header: pages are cached and shared, so a forged Host would reach every later reader."""
    configured = get_settings().public_base
    if configured:
        return configured
    scheme = request.scope.get("scheme", "http")
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    host = f"[{host}]" if ":" in str(host) else str(host)
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def absolute_url(base_url: object, path: str) -> str:
    """A path made absolute against the site's public base URL (``public_base``), for links that leave
    the site: Open Graph tags and embed snippets pasted into other pages."""
    return str(base_url).rstrip("/") + path


IDEAL_POINTS_PATH = "/ideal-points"  # where states stand, year by year (app.ideal)
IDEAL_POINTS_CSV_PATH = "/ideal-points.csv"
IDEAL_POINTS_API_PATH = "/api/ideal-points"


def ideal_points_path(year: int) -> str:
    return f"{IDEAL_POINTS_PATH}?year={year}"


def country_ideal_points_csv_path(code: str) -> str:
    return f"/countries/{code}/ideal-points.csv"


def country_ideal_points_api_path(code: str) -> str:
    return f"/api/countries/{code}/ideal-points"


def country_surprises_path(code: str) -> str:
    """The votes a state's ideal point predicted worst."""
    return f"/countries/{code}/votes-that-did-not-fit"
