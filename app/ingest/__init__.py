"""Imports: stateless parsers per source format, a reference-data loader, and one transactional loader."""
