"""Errors readers report from a public page, and the admins' queue of them."""
