"""What a table of the data package is: its columns (Table Schema types), keys and file name, and how a
header that does not match is described. The tables themselves are defined in package_format.py."""

from __future__ import annotations

from dataclasses import dataclass

SUFFIX = ".csv.gz"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, boolean, date
    description: str
    required: bool = False
    values: tuple[str, ...] = ()  # the only values allowed, if any
    unique: bool = False


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    target: str


# Compared and hashed by identity: tables are dictionary keys in loops over a million votes, and each
# is defined once.
@dataclass(frozen=True, eq=False)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def path(self) -> str:
        return self.name + SUFFIX

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def header_mismatch(table: Table, header: tuple[str, ...]) -> str:
    missing = [c for c in table.header if c not in header]
    unexpected = [c for c in header if c not in table.header]
    found = "; ".join(
        part
        for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(unexpected)}" if unexpected else "",
            "" if missing or unexpected else "in another order",
        )
        if part
    )
    return f"the columns of the data package's {table.name} table differ ({found}): {', '.join(table.header)}"
