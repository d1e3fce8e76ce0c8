"""What a resolution's share card shows, as plain data, and the same in words (alt text, Open Graph title
and description). No database access: the callers load the rows. The image (app/cards/render.py), the
embed page and the alt text are all built from one of these, so the words always describe the picture."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Adoption, Resolution
from app.resolutions import service
from app.resolutions.search import clean_query
from app.resolutions.tally import ShownTally
from app.share import TITLE_LIMIT, VOTE_WORDS, Share, Tone, shorten
from app.symbols import session_label
from app.templating import format_date
from app.urls import (
    resolution_api_path,
    resolution_card_path,
    resolution_embed_path,
    resolution_path,
    roll_call_csv_path,
)


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
        session=session_label(resolution),
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


EMBED_HEIGHT_RESOLUTION = 300


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
