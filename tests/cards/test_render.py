"""The card images themselves: what they show (measured on the pixels), the words that describe them,
the colours they share with the site's stylesheets, and fonts that cover every state's name."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter

import pytest
from PIL import Image, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import share
from app.cards import render, views
from app.config import PROJECT_ROOT
from app.models import Adoption, Resolution, StateName
from app.resolutions import share as resolution_cards

STATIC = PROJECT_ROOT / "static"


def _resolution(db: Session, symbol: str) -> Resolution:
    return db.execute(select(Resolution).where(Resolution.symbol == symbol)).scalar_one()


def _hex(pixel: object) -> str:
    """'#1a7f37' for an RGB pixel as Image.getpixel gives it."""
    assert isinstance(pixel, tuple)
    return "#" + "".join(f"{c:02x}" for c in pixel[:3])


def _glyph(face: ImageFont.FreeTypeFont, character: str) -> bytes:
    mask = face.getmask(character)
    return repr(mask.size).encode() + bytes(mask)


def _css_variables(name: str) -> dict[str, str]:
    text = (STATIC / name).read_text(encoding="utf-8")
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", text))


class TestWhatTheCardShows:
    def test_es_10_24_bar_is_split_as_the_vote(self, db: Session) -> None:
        card = views.resolution_card(db, _resolution(db, "A/RES/ES-10/24"))
        assert card.tally == (124, 14, 43, 12)
        image = Image.open(io.BytesIO(render.render_resolution(card))).convert("RGB")
        assert image.size == (share.CARD_WIDTH, share.CARD_HEIGHT)
        # One pixel row through the bar, above the figures written on it: each vote's colour spans its share.
        row = Counter(
            _hex(image.getpixel((x, 466))) for x in range(render.MARGIN, render.MARGIN + render.INNER)
        )
        for count, colour in zip((124, 14, 43, 12), render.VOTE_COLOURS, strict=True):
            assert abs(row[colour] - render.INNER * count / 193) <= 2, colour

    def test_country_card_has_a_column_per_year(self, db: Session) -> None:
        state = views.find_state(db, "CIV")
        card = views.country_card(db, state)
        assert card.name == "Côte d'Ivoire"
        assert card.group == "African Group"
        assert card.bars[0].year == 1960  # admitted 20 September 1960
        assert sum(card.totals) == card.total > 5000
        image = Image.open(io.BytesIO(render.render_country(card))).convert("RGB")
        assert image.size == (1200, 630)
        # "In favour" is stacked on top, and every year is mostly that: green dominates the strip's top row.
        row = Counter(
            _hex(image.getpixel((x, 385))) for x in range(render.MARGIN, render.MARGIN + render.INNER)
        )
        assert row[render.VOTE_COLOURS[0]] > render.INNER / 2

    def test_alt_text_of_a_resolution_adopted_without_a_vote(self, db: Session) -> None:
        resolution = db.execute(
            select(Resolution)
            .where(Resolution.adoption == Adoption.WITHOUT_VOTE, Resolution.symbol != "")
            .order_by(Resolution.adopted_on.desc())
            .limit(1)
        ).scalar_one()
        card = views.resolution_card(db, resolution)
        assert card.tally is None
        alt = resolution_cards.resolution_alt(card)
        assert alt.startswith(f"{resolution.symbol}: adopted without a vote on ")
        assert "in favour" not in alt

    def test_alt_text_of_official_totals(self) -> None:
        card = resolution_cards.ResolutionCard(
            heading="A/RES/ES-11/9",
            date="24 February 2025",
            session="11th emergency special session",
            title="Path to a comprehensive, just and lasting peace in Ukraine",
            outcome="Adopted by a recorded vote",
            tone="adopted",
            tally=(93, 18, 65, None),
            official=True,
        )
        assert resolution_cards.resolution_alt(card) == (
            "A/RES/ES-11/9: 93 in favour, 18 against, 65 abstaining (official totals). "
            "Adopted by a recorded vote on 24 February 2025. "
            "“Path to a comprehensive, just and lasting peace in Ukraine”"
        )

    def test_control_characters_left_out(self, db: Session) -> None:
        # Voeten's separate vote on a paragraph of A/RES/66/247 has a backspace in its text.
        resolution = db.execute(select(Resolution).where(Resolution.voeten_rcid == 5917)).scalar_one()
        assert "\x08" in resolution.title + resolution.description
        card = views.resolution_card(db, resolution)
        assert not any(
            unicodedata.category(c) == "Cc" for c in card.title + resolution_cards.resolution_alt(card)
        )

    def test_long_titles_are_cut_at_a_word(self) -> None:
        assert share.shorten("one two three four", 12) == "one two…"
        assert share.shorten("short", 12) == "short"


class TestColoursAndFonts:
    @pytest.mark.parametrize("stylesheet", ["style.css", "embed.css"])
    def test_colours_are_the_stylesheets(self, stylesheet: str) -> None:
        css = _css_variables(stylesheet)
        assert (css["yes"], css["no"], css["abstain"], css["nonvoting"]) == render.VOTE_COLOURS
        assert (css["ink"], css["muted"], css["accent"], css["nonvoting-bg"]) == (
            render.INK,
            render.MUTED,
            render.ACCENT,
            render.EMPTY_BAR,
        )

    def test_fonts_are_shipped_with_their_licence(self) -> None:
        fonts = STATIC / "fonts"
        assert (fonts / render.REGULAR).stat().st_size > 100_000
        assert (fonts / render.BOLD).stat().st_size > 100_000
        licence = (fonts / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
        assert "Bitstream Vera Fonts Copyright" in licence
        assert "Arev Fonts Copyright" in licence

    def test_every_name_and_title_has_its_glyphs(self, db: Session) -> None:
        # A character the font lacks is drawn as the same empty box (.notdef) as this unassigned one.
        texts = [
            *db.execute(select(StateName.name).distinct()).scalars(),
            *db.execute(select(Resolution.title).distinct()).scalars(),
            *db.execute(select(Resolution.description).distinct()).scalars(),
        ]
        # Control characters are not drawn: the cards leave them out (test_control_characters_left_out).
        characters = {
            c for text in texts for c in text if not c.isspace() and unicodedata.category(c) != "Cc"
        }
        assert {"ô", "ü", "’", "–"} <= characters  # Côte d'Ivoire, Türkiye, and typographic punctuation
        for bold in (False, True):
            face = render.font(40, bold)
            missing = _glyph(face, "\U0010fffd")
            lacking = sorted(c for c in characters if _glyph(face, c) == missing)
            assert lacking == []
