"""What a country's share card shows, as plain data, and the same in words (alt text, Open Graph title
and description). No database access: the callers load the rows. The image (app/cards/render.py), the
embed page and the alt text are all built from one of these, so the words always describe the picture."""

from __future__ import annotations

from dataclasses import dataclass

from app.countries.agreement import YearTally
from app.countries.service import Bar, vote_bars
from app.kit.figures import percent
from app.models import RegionalGroup, State
from app.share import VOTE_WORDS, Share
from app.urls import country_api_path, country_card_path, country_csv_path, country_embed_path, country_path


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


EMBED_HEIGHT_COUNTRY = 320


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
