"""What a share card shows, as plain data, and the same in words (alt text, Open Graph title and
description). No database access: the callers load the rows. The image (render.py), the embed pages and
the alt text are all built from one of these, so the words always describe the picture."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from app.countries.agreement import YearTally
from app.countries.service import Bar, percent, vote_bars
from app.models import Adoption, RegionalGroup, Resolution, State
from app.resolutions import service
from app.resolutions.search import clean_query
from app.resolutions.tally import ShownTally
from app.templating import format_date
from app.urls import (
    absolute_url,
    country_api_path,
    country_card_path,
    country_csv_path,
    country_embed_path,
    country_path,
    resolution_api_path,
    resolution_card_path,
    resolution_embed_path,
    resolution_path,
    roll_call_csv_path,
)

# The image size Facebook, LinkedIn, Mastodon and X all crop least for summary_large_image.
CARD_WIDTH, CARD_HEIGHT = 1200, 630
VOTE_WORDS = ("in favour", "against", "abstaining", "non-voting")
TITLE_LIMIT = 200  # characters of a title quoted in alt text and descriptions

Tone = Literal["adopted", "rejected", "neutral"]


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


@dataclass(frozen=True)
class ResolutionCard:
    heading: str  # the symbol, or "Recorded vote 123" for Voeten's separate votes without one
    date: str
    session: str
    title: str
    outcome: str
    tone: Tone
    tally: tuple[int, int, int, int | None] | None  # None: adopted without a vote, so no tally
    official: bool  # the figures are the official totals of an incomplete roll call
    note: str = ""  # 'roll call incomplete: 2 of 193 known' (app.resolutions.tally)

    def tally_words(self) -> str:
        """'124 in favour, 14 against, 43 abstaining, 12 non-voting' (non-voting left out if unknown)."""
        if self.tally is None:
            return ""
        parts = [f"{n:,} {word}" for n, word in zip(self.tally, VOTE_WORDS, strict=True) if n is not None]
        return ", ".join(parts)


def _outcome(resolution: Resolution) -> tuple[str, Tone]:
    # The same words as the resolution page's verdict.
    if resolution.adoption is Adoption.WITHOUT_VOTE:
        return "Adopted without a vote", "adopted"
    if resolution.adopted:
        return "Adopted by a recorded vote", "adopted"
    if resolution.adopted is False:
        return "Not adopted", "rejected"
    return "Recorded vote", "neutral"


def resolution_heading(resolution: Resolution) -> str:
    if resolution.symbol:
        return resolution.symbol
    if resolution.page_key:  # a provisional record: its session and date are its name for now
        return f"{service.session_code(resolution)}, symbol not yet known"
    return f"Recorded vote {resolution.id}"


def resolution_card(resolution: Resolution, shown: ShownTally) -> ResolutionCard:
    outcome, tone = _outcome(resolution)
    recorded = resolution.adoption is not Adoption.WITHOUT_VOTE
    return ResolutionCard(
        heading=resolution_heading(resolution) + (" (provisional)" if resolution.provisional else ""),
        date=format_date(resolution.adopted_on),
        session=service.session_label(resolution),
        # A few source titles hold control characters (a backspace in A/RES/66/247): no font draws them.
        title=clean_query(resolution.title or resolution.description),
        outcome=outcome,
        tone=tone,
        tally=shown.as_tuple() if recorded else None,
        official=recorded and not resolution.roll_call_complete,
        note=shown.note if recorded else "",
    )


def resolution_alt(card: ResolutionCard) -> str:
    """The card in words: 'A/RES/ES-10/24: 124 in favour, 14 against, 43 abstaining, 12 non-voting.
    Adopted by a recorded vote on 18 September 2024. "Title…"'"""
    if card.tally is None:
        text = f"{card.heading}: adopted without a vote on {card.date}."
    else:
        official = ""
        if card.official:
            official = f" (official totals; {card.note})" if card.note else " (official totals)"
        text = f"{card.heading}: {card.tally_words()}{official}. {card.outcome} on {card.date}."
    if card.title and card.title != card.heading:
        text += f" “{shorten(card.title, TITLE_LIMIT)}”"
    return text


@dataclass(frozen=True)
class CountryCard:
    name: str
    code: str
    group: str
    totals: tuple[int, int, int, int]  # yes, no, abstain, non-voting over every recorded vote
    bars: list[Bar]  # one per year, oldest first (app.countries.service.vote_bars)

    @property
    def total(self) -> int:
        return sum(self.totals)

    def shares(self) -> list[str]:
        """'78.3 %' for each vote, in VOTE_WORDS order."""
        return [percent(n / self.total if self.total else None) for n in self.totals]

    @property
    def years(self) -> str:
        """'1946–2025', the span of the chart."""
        if not self.bars:
            return ""
        first, last = self.bars[0].year, self.bars[-1].year
        return str(first) if first == last else f"{first}–{last}"


def group_label(group: RegionalGroup) -> str:
    """'African Group', 'Western European and Others Group': the groups' own names."""
    return f"{group.value} Group" if group.value else "No regional group"


def country_card(state: State, tallies: list[YearTally]) -> CountryCard:
    return CountryCard(
        name=state.name,
        code=state.code,
        group=group_label(state.regional_group),
        totals=(
            sum(t.yes for t in tallies),
            sum(t.no for t in tallies),
            sum(t.abstain for t in tallies),
            sum(t.non_voting for t in tallies),
        ),
        bars=vote_bars([(t.year, t.yes, t.no, t.abstain, t.non_voting) for t in tallies]),
    )


def _country_summary(card: CountryCard) -> str:
    """'Türkiye (Western European and Others Group): on 5,123 recorded votes, 78.3 % in favour, …'"""
    if not card.total:
        return f"{card.name} ({card.group}): no recorded votes in our data"
    shares = [f"{share} {word}" for share, word in zip(card.shares(), VOTE_WORDS, strict=True)]
    return f"{card.name} ({card.group}): on {card.total:,} recorded votes, {', '.join(shares)}"


def country_alt(card: CountryCard) -> str:
    if not card.total:
        return _country_summary(card) + "."
    return f"{_country_summary(card)}; with a bar for each year, {card.years}, showing the same shares."


class Share(BaseModel):
    """What a page needs for its Open Graph / Twitter tags and its "Share / embed" section. Paths are
    relative; the template makes them absolute against the request (urls.absolute_url)."""

    title: str
    description: str
    image_alt: str
    og_type: Literal["website", "article"]
    page_path: str
    image_path: str
    embed_path: str
    csv_path: str
    json_path: str
    embed_title: str  # the iframe's title attribute, for screen readers on the embedding site
    embed_height: int
    image_width: int = CARD_WIDTH
    image_height: int = CARD_HEIGHT

    def url(self, base_url: object, path: str) -> str:
        return absolute_url(base_url, path)

    def snippet(self, base_url: object) -> str:
        """The iframe to paste into another site (shown as text, to copy). frameborder rather than a
        style attribute: the widget draws its own border, and our pages carry no style attribute at all
        (not even as text: the Content-Security-Policy test looks for one)."""
        src = absolute_url(base_url, self.embed_path)
        title = self.embed_title.replace("&", "&amp;").replace('"', "&quot;")
        return (
            f'<iframe src="{src}" title="{title}" width="560" height="{self.embed_height}" '
            'frameborder="0" loading="lazy"></iframe>'
        )


EMBED_HEIGHT_RESOLUTION = 300
EMBED_HEIGHT_COUNTRY = 320


def resolution_share(resolution: Resolution, shown: ShownTally) -> Share:
    card = resolution_card(resolution, shown)
    title = card.heading if card.title == card.heading else f"{card.heading}: {shorten(card.title, 90)}"
    summary = card.tally_words() if card.tally is not None else "adopted without a vote"
    if card.note:
        summary += f"; {card.note}"
    return Share(
        title=title,
        description=f"{card.outcome} on {card.date} ({summary}). How every member state voted.",
        image_alt=resolution_alt(card),
        og_type="article",
        page_path=resolution_path(resolution),
        image_path=resolution_card_path(resolution),
        embed_path=resolution_embed_path(resolution),
        csv_path=roll_call_csv_path(resolution),
        json_path=resolution_api_path(resolution),
        embed_title=f"UN General Assembly vote on {card.heading}",
        embed_height=EMBED_HEIGHT_RESOLUTION,
    )


def country_share(state: State, tallies: list[YearTally]) -> Share:
    card = country_card(state, tallies)
    return Share(
        title=f"How {card.name} votes in the UN General Assembly",
        description=f"{_country_summary(card)}. Its record, and the states voting most and least like it.",
        image_alt=country_alt(card),
        og_type="website",
        page_path=country_path(state.code),
        image_path=country_card_path(state.code),
        embed_path=country_embed_path(state.code),
        csv_path=country_csv_path(state.code),
        json_path=country_api_path(state.code),
        embed_title=f"How {card.name} votes in the UN General Assembly",
        embed_height=EMBED_HEIGHT_COUNTRY,
    )
