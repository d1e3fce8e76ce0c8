"""Draw share cards (1200 × 630 PNG) with Pillow, from the plain data of the
cards built beside their pages (app/resolutions/share.py, app/countries/share.py).

The fonts are DejaVu Sans, shipped in static/fonts (a fresh machine has no system fonts, and DejaVu covers
every name in the data: Côte d'Ivoire, Türkiye, São Tomé and Príncipe). The colours are those of
static/style.css (tests/cards check they stay the same), and every figure is also written in words
beside its colour, so the card reads without telling the colours apart.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from app.config import PROJECT_ROOT
from app.countries.share import CountryCard
from app.resolutions.share import ResolutionCard
from app.share import CARD_HEIGHT, CARD_WIDTH, VOTE_WORDS

FONT_DIR = PROJECT_ROOT / "static" / "fonts"
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"

# static/style.css :root
INK, MUTED, LINE, PANEL = "#1b1f24", "#59636e", "#d8dee4", "#f6f8fa"
ACCENT, BACKGROUND = "#0b5cad", "#ffffff"
VOTE_COLOURS = ("#1a7f37", "#c62828", "#b08800", "#8c959f")  # --yes, --no, --abstain, --nonvoting
EMPTY_BAR = "#eaeef2"  # --nonvoting-bg
# Figures written in a vote's colour: the darker abstain of .t-abstain, which reads on white.
TEXT_COLOURS = ("#1a7f37", "#c62828", "#7a5e00", MUTED)
# Figures written on a segment of the bar: white where it contrasts, ink on the light ones.
ON_BAR = (BACKGROUND, BACKGROUND, INK, INK)
TONE_COLOURS = {"adopted": VOTE_COLOURS[0], "rejected": VOTE_COLOURS[1], "neutral": INK}

MARGIN = 60
INNER = CARD_WIDTH - 2 * MARGIN
BRAND = "UNGA Votes"

# FreeType faces are not safe to use from two threads at once, and handlers run in a thread pool.
_lock = threading.Lock()


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / (BOLD if bold else REGULAR)), size)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, width: int, sizes: range, bold: bool
) -> ImageFont.FreeTypeFont:
    """The largest of ``sizes`` (largest first) at which ``text`` fits in ``width``, else the smallest."""
    for size in sizes:
        if draw.textlength(text, font=font(size, bold)) <= width:
            return font(size, bold)
    return font(sizes[-1], bold)


def _clip(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits in ``width``."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip(" ,;:") + "…"


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int
) -> list[str]:
    """Greedy word wrap; the last line ends in an ellipsis if words are left over."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=face) <= width:
            line += " " + words.pop(0)
        lines.append(_clip(draw, line, face, width))
    if words and lines:
        lines[-1] = _clip(draw, lines[-1] + " " + words[0], face, width - 1)
        if not lines[-1].endswith("…"):
            lines[-1] += "…"
    return lines


def _frame() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_WIDTH, 12), fill=ACCENT)
    draw.text((MARGIN, 40), BRAND, font=font(28, bold=True), fill=ACCENT)
    draw.text(
        (CARD_WIDTH - MARGIN, 44), "United Nations General Assembly", font=font(24), fill=MUTED, anchor="ra"
    )
    return image, draw


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # zlib's fastest level: half the encoding time of its default (6), for files about 13 % larger
    # (80 kB rather than 70 kB for a resolution card), which no scraper minds.
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _tally_bar(draw: ImageDraw.ImageDraw, counts: tuple[int, int, int, int], top: int, height: int) -> None:
    """The stacked bar, with each count written on its segment where there is room."""
    total = sum(counts)
    draw.rectangle((MARGIN, top, MARGIN + INNER, top + height), fill=EMPTY_BAR)
    if not total:
        return
    x = float(MARGIN)
    label_font = font(30, bold=True)
    for count, colour, ink in zip(counts, VOTE_COLOURS, ON_BAR, strict=True):
        if not count:
            continue
        width = INNER * count / total
        draw.rectangle((round(x), top, round(x + width), top + height), fill=colour)
        label = f"{count:,}"
        if draw.textlength(label, font=label_font) + 16 <= width:
            draw.text((x + width / 2, top + height / 2), label, font=label_font, fill=ink, anchor="mm")
        x += width


def _legend(draw: ImageDraw.ImageDraw, items: list[tuple[str, int]], top: int) -> None:
    """Colour keys with their words, side by side: ('124 in favour', vote index)."""
    face = font(28)
    x = float(MARGIN)
    for text, index in items:
        draw.rectangle((round(x), top + 4, round(x) + 24, top + 28), fill=VOTE_COLOURS[index])
        draw.text((x + 34, top), text, font=face, fill=TEXT_COLOURS[index])
        x += 34 + draw.textlength(text, font=face) + 40


def _draw_resolution(card: ResolutionCard) -> Image.Image:
    image, draw = _frame()
    draw.text(
        (MARGIN, 95), card.heading, font=_fit(draw, card.heading, INNER, range(64, 30, -4), True), fill=INK
    )
    meta = f"{card.date} · {card.session}"
    draw.text((MARGIN, 182), _clip(draw, meta, font(30), INNER), font=font(30), fill=MUTED)
    title_font = font(34)
    lines = _wrap(draw, card.title, title_font, INNER, 3) if card.title != card.heading else []
    for i, line in enumerate(lines):
        draw.text((MARGIN, 240 + 46 * i), line, font=title_font, fill=INK)
    outcome = card.outcome + (f" · official totals ({card.note})" if card.official else "")
    draw.text(
        (MARGIN, 395),
        outcome,
        font=_fit(draw, outcome, INNER, range(36, 22, -2), True),
        fill=TONE_COLOURS[card.tone],
    )
    if card.tally is None:
        note = "No recorded vote: adopted by consensus or without objection."
        draw.rectangle((MARGIN, 460, MARGIN + INNER, 540), fill=PANEL, outline=LINE)
        draw.text(
            (MARGIN + 24, 500),
            _clip(draw, note, font(28), INNER - 48),
            font=font(28),
            fill=MUTED,
            anchor="lm",
        )
        return image
    yes, no, abstain, non_voting = card.tally
    _tally_bar(draw, (yes, no, abstain, non_voting or 0), 460, 70)
    items = [
        (f"{n:,} {word}", i)
        for i, (n, word) in enumerate(zip(card.tally, VOTE_WORDS, strict=True))
        if n is not None
    ]
    _legend(draw, items, 555)
    return image


def _draw_country(card: CountryCard) -> Image.Image:
    image, draw = _frame()
    code_font = font(30, bold=True)
    code_width = round(draw.textlength(card.code, font=code_font)) + 24
    name_font = _fit(draw, card.name, INNER - code_width - 24, range(64, 30, -4), True)
    name = _clip(draw, card.name, name_font, INNER - code_width - 24)
    draw.text((MARGIN, 95), name, font=name_font, fill=INK)
    code_x = MARGIN + round(draw.textlength(name, font=name_font)) + 24
    draw.rounded_rectangle((code_x, 112, code_x + code_width, 156), radius=6, fill=PANEL, outline=LINE)
    draw.text((code_x + code_width / 2, 134), card.code, font=code_font, fill=MUTED, anchor="mm")
    votes = f"{card.total:,} recorded votes" if card.total else "No recorded votes in our data"
    meta = f"{card.group} · {votes}"
    draw.text((MARGIN, 182), _clip(draw, meta, font(30), INNER), font=font(30), fill=MUTED)
    if not card.total:
        return image
    column = INNER / 4
    for i, (share, word) in enumerate(zip(card.shares(), VOTE_WORDS, strict=True)):
        x = MARGIN + column * i
        draw.rectangle((round(x), 250, round(x) + 8, 340), fill=VOTE_COLOURS[i])
        draw.text((x + 24, 244), share, font=font(52, bold=True), fill=TEXT_COLOURS[i])
        draw.text((x + 24, 308), word, font=font(28), fill=MUTED)
    _year_strip(draw, card, top=380, height=160)
    axis = font(24)
    draw.text((MARGIN, 552), str(card.bars[0].year), font=axis, fill=MUTED)
    draw.text((CARD_WIDTH - MARGIN, 552), str(card.bars[-1].year), font=axis, fill=MUTED, anchor="ra")
    draw.text((CARD_WIDTH / 2, 552), "Share of each vote, year by year", font=axis, fill=MUTED, anchor="ma")
    return image


def _year_strip(draw: ImageDraw.ImageDraw, card: CountryCard, top: int, height: int) -> None:
    """The page's stacked columns (app.countries.service.vote_bars, 100 units high) scaled to the card."""
    draw.rectangle((MARGIN, top, MARGIN + INNER, top + height), fill=EMPTY_BAR)
    first, last = card.bars[0].year, card.bars[-1].year
    step = INNER / (last - first + 1)
    gap = 2 if step >= 8 else 0
    colours = dict(zip(("yes", "no", "abstain", "nonvoting"), VOTE_COLOURS, strict=True))
    for bar in card.bars:
        x = MARGIN + step * (bar.year - first)
        for segment in bar.segments:
            y0 = top + height * segment.y / 100
            y1 = y0 + height * segment.height / 100
            draw.rectangle((round(x), round(y0), round(x + step) - gap, round(y1)), fill=colours[segment.css])


def render_resolution(card: ResolutionCard) -> bytes:
    with _lock:
        return _png(_draw_resolution(card))


def render_country(card: CountryCard) -> bytes:
    with _lock:
        return _png(_draw_country(card))
