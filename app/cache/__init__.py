"""Caching of public pages: an in-process response cache and HTTP validators (ETag / 304)."""
