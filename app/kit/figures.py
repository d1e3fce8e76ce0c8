"""Figures as the pages write them: shares as percentages, signed scores with a true minus sign.

One function per way of writing a figure, used by the views and registered as Jinja filters
(app/templating.py), so a page context carries the figures and never the functions that format them.
"""

from __future__ import annotations


def percent(share: float | None) -> str:
    """'42.5 %', or '–' where there is no share."""
    return "–" if share is None else f"{share * 100:.1f} %"


def probability(share: float) -> str:
    """A model's probability: '42.5 %', and '< 0.1 %' rather than a misleading '0.0 %'."""
    return f"{share * 100:.1f} %" if share >= 0.001 else "< 0.1 %"


def signed(value: float, digits: int = 2) -> str:
    """A figure with a true minus sign: '−1.25', '0.40'."""
    return f"{value:.{digits}f}".replace("-", "−")
