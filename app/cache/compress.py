"""Cached pages are compressed once, when they are kept, and each client gets what it accepts.

Without a proxy in front (the quick start) a resolution page crossed the wire as 157 KB of HTML; a proxy
compressing each answer spends the same CPU on every request. Here a page is compressed once per data
version, in gzip (every client) and brotli (browsers over HTTPS and most tools, about a fifth smaller),
at levels that take a few milliseconds on a large page: the render itself takes 15-60 ms.
"""

from __future__ import annotations

import gzip

import brotli

MIN_SIZE = 1024  # bytes: below this the headers weigh more than what compression saves
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # past 5 a page shrinks by under 1% for twice the time (measured on real pages)
COMPRESSIBLE = ("text/", "application/json", "application/atom+xml", "application/xml", "image/svg+xml")


def compressible(content_type: str, size: int) -> bool:
    return size >= MIN_SIZE and content_type.lower().startswith(COMPRESSIBLE)


def compress(body: bytes) -> tuple[bytes, bytes]:
    """(gzip, brotli) of ``body``; gzip without a timestamp, so the same page compresses the same."""
    return gzip.compress(body, GZIP_LEVEL, mtime=0), brotli.compress(body, quality=BROTLI_QUALITY)


def _weights(accept_encoding: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip().replace(" ", "")
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if name:
            weights[name.strip().lower()] = q
    return weights


def choose(accept_encoding: str | None) -> str | None:
    """The coding to send for an Accept-Encoding header: "br", "gzip" or None (as it is)."""
    if not accept_encoding:
        return None
    weights = _weights(accept_encoding)
    star = weights.get("*", 0.0)
    for coding in ("br", "gzip"):
        if weights.get(coding, star) > 0:
            return coding
    return None
