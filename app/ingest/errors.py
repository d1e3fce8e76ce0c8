"""Errors an import reports to the user: always with the file, the line where known, and the reason."""

from __future__ import annotations


class IngestError(Exception):
    """A problem in the input that stops the import; the database is left as it was."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {reason}")


class UnmatchedNamesError(Exception):
    """Names in the sources that match no member state; every one is listed, none is dropped."""

    def __init__(self, unmatched: dict[str, list[str]]) -> None:
        # name -> a few "file:line (date)" places where it appears
        self.unmatched = unmatched
        lines = [f"  {name!r} at {', '.join(places[:3])}" for name, places in sorted(unmatched.items())]
        super().__init__(f"{len(unmatched)} name(s) match no state:\n" + "\n".join(lines))
