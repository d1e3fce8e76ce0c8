"""The one Jinja2 environment: autoescaping, StrictUndefined outside production, shared filters."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from app import urls
from app.config import PROJECT_ROOT, get_settings
from app.kit.figures import percent, probability, signed
from app.symbols import session_label


def format_date(value: dt.date | None) -> str:
    """18 September 2024, the way the UN writes dates."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def format_number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


@lru_cache(maxsize=512)
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices)


def select_options(choices: tuple[tuple[str, str], ...], selected: object = "") -> Markup:
    """The ``<option>`` list of a select of states, with ``selected`` marked.

    A country page carries six such selects of ~190 states: rendered option by option in Jinja they
    took a third of the page's template time. The list is built once per set of choices and only the
    chosen option is marked on each use."""
    html = _options_html(choices)
    if selected:
        value = f'<option value="{escape(str(selected))}">'
        html = html.replace(value, value[:-1] + " selected>", 1)
    return Markup(html)


@lru_cache
def get_templates() -> Jinja2Templates:
    strict = get_settings().environment != "production"
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = format_date
    env.filters["number"] = format_number
    env.filters["percent"] = percent  # 0.425 -> 42.5 %
    env.filters["probability"] = probability  # as percent, with < 0.1 % for the smallest
    env.filters["signed"] = signed  # -1.25 -> −1.25
    env.filters["session_label"] = session_label  # a resolution -> 79th session
    env.globals["urls"] = urls
    env.globals["select_options"] = select_options
    return Jinja2Templates(env=env)
