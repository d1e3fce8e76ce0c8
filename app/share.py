"""What every shared page has in common: the share card's size and words, and the ``Share`` model a page
context carries for its Open Graph tags and its "Share / embed" section.

The cards of a resolution and of a country (what each shows, as plain data, and the same in words) are
built next to their pages, in app/resolutions/share.py and app/countries/share.py; app/cards draws them
as images and serves the embeds. Keeping the common part here lets those pages share without importing
app/cards, which imports them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from app.urls import absolute_url

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
