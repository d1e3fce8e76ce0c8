"""Reading back a data package written by ``unga export`` (app.opendata): the reconciled record as it was
stored, so that an import into an empty database gives the same states, decisions, votes, subjects and
differences between sources.

The package's decisions are already reconciled: they are built here as the writer will store them
(app.ingest.reconcile passes decisions of a kind other than the three sources through untouched), and
its member states replace data/states.toml for the import. Every table is checked as it is read (columns,
types, allowed values, references between tables, a vote listed twice, counts that disagree with the
votes, the hashes datapackage.json gives), and any problem stops the import with the file, the line and
the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from app.ingest import package_format as fmt
from app.ingest.errors import IngestError
from app.ingest.package_files import (
    Values,
    cell_value,
    check_hash,
    check_table,
    read_descriptor,
    read_listed,
    table_lines,
    with_version,
)
from app.ingest.package_schema import Table
from app.ingest.prepare import NO_VOTE, Decision, Difference
from app.ingest.records import Record, SourceFile
from app.ingest.reference import Reference
from app.ingest.sources import Format, InputFile
from app.models.enums import Adoption, DecisionKind, DifferenceKind, SessionKind, SourceKind, VoteChoice

_LETTERS = {word: letter for letter, word in fmt.VOTE_WORDS.items()}
_YES, _NO, _ABSTAIN, _NON_VOTING = (c.value for c in VoteChoice)


def read_package(inputs: list[InputFile]) -> DataPackage | None:
    """The data package among the inputs, with every table it lists; None if there is none. A package
    is imported on its own, whole."""
    descriptors = [i for i in inputs if i.format is Format.PACKAGE]
    tables = [i for i in inputs if i.format is Format.PACKAGE_TABLE]
    if not descriptors and not tables:
        return None
    if not descriptors:
        raise IngestError(
            str(tables[0].path),
            1,
            f"a table of a data package: import the folder that holds it with its {fmt.DESCRIPTOR}",
        )
    if len(descriptors) > 1:
        raise IngestError(
            ", ".join(str(d.path) for d in descriptors), None, "several data packages: import one at a time"
        )
    others = [i for i in inputs if i.format not in (Format.PACKAGE, Format.PACKAGE_TABLE)]
    if others:
        raise IngestError(
            str(others[0].path),
            None,
            "a data package holds the reconciled record already: import it on its own, not with other "
            "sources",
        )
    return DataPackage.read(descriptors[0], {i.path.resolve(): i for i in tables})


@dataclass
class DataPackage:
    descriptor: InputFile
    tables: dict[str, InputFile]  # by table name
    version: str
    _reference_lines: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, descriptor: InputFile, given: dict[Path, InputFile]) -> DataPackage:
        where = str(descriptor.path)
        content = read_descriptor(descriptor)
        version = str(content.get("version", ""))
        listed = {r.get("name"): r for r in content["resources"] if isinstance(r, dict)}
        tables: dict[str, InputFile] = {}
        for table in fmt.TABLES:
            resource = listed.get(table.name)
            if resource is None or not isinstance(resource.get("path"), str):
                raise IngestError(where, None, f"lists no resource {table.name!r} with a path")
            name = resource["path"]
            if Path(name).name != name or name in ("", ".", ".."):
                raise IngestError(where, None, f"{table.name}: the path {name!r} is not a file beside it")
            path = (descriptor.path.parent / name).resolve()
            item = given.pop(path, None) or read_listed(where, path)
            check_table(item, table)
            check_hash(item, resource.get("hash"))
            tables[table.name] = item
        if given:
            extra = next(iter(given.values()))
            raise IngestError(str(extra.path), 1, f"a data package table that {where} does not list")
        labelled = f"data package {version}" if version else "data package"
        versioned = {name: with_version(item, labelled) for name, item in tables.items()}
        return cls(with_version(descriptor, labelled), versioned, version)

    @property
    def inputs(self) -> list[InputFile]:
        """Every file of the package, each carrying the package's version as its upstream version."""
        return [self.descriptor, *self.tables.values()]

    def reference(self) -> Reference:
        """The package's member states, in the shape of data/states.toml (app.ingest.reference)."""
        states: dict[str, Values] = {}
        for line, row in self._rows(fmt.STATES):
            code = row["code"]
            if code in states:
                raise IngestError(self._name(fmt.STATES), line, f"the state {code} is listed twice")
            self._reference_lines[code] = line
            states[code] = {
                "name": row["name"], "iso2": row["iso2"] or "", "m49": row["m49"],
                "group": row["regional_group"] or "", "group_note": row["group_note"] or "",
                "status": row["status"], "names": [], "memberships": [], "suspensions": [], "aliases": [],
                "spellings": [],
            }  # fmt: skip
        for line, row in self._rows(fmt.STATE_NAMES):
            self._state(states, fmt.STATE_NAMES, line, row)["names"].append(
                {"name": row["name"], "from": row["valid_from"], "to": row["valid_to"]}
            )
        for line, row in self._rows(fmt.MEMBERSHIPS):
            successor = row["successor"] or ""
            if successor and successor not in states:
                raise IngestError(
                    self._name(fmt.MEMBERSHIPS), line, f"the successor {successor} is not a state"
                )
            membership = {"from": row["admitted_on"], "to": row["ended_on"], "successor": successor}
            self._state(states, fmt.MEMBERSHIPS, line, row)["memberships"].append(
                membership | {"note": row["note"] or ""}
            )
        for line, row in self._rows(fmt.SUSPENSIONS):
            self._state(states, fmt.SUSPENSIONS, line, row)["suspensions"].append(
                {"from": row["starts_on"], "to": row["ends_on"], "note": row["note"] or ""}
            )
        for line, row in self._rows(fmt.STATE_ALIASES):
            state = self._state(states, fmt.STATE_ALIASES, line, row)
            state["aliases" if row["public"] else "spellings"].append(row["alias"])
        try:
            return Reference.model_validate({"states": states})
        except ValidationError as exc:
            first = exc.errors()[0]
            code = str(first["loc"][1]) if len(first["loc"]) > 1 else ""
            detail = ".".join(str(part) for part in first["loc"][2:])
            reason = f"{code}: {detail + ': ' if detail else ''}{first['msg']}"
            raise IngestError(self._name(fmt.STATES), self._reference_lines.get(code), reason) from None

    def decisions(self, state_ids: dict[str, int]) -> list[Decision]:
        """Every decision, resolutions first (separate votes name theirs as their parent), ready for the
        writer. ``state_ids``: the database's state ids by code, once the package's states are in."""
        return _Decisions(self, state_ids).build()

    def _name(self, table: Table) -> str:
        return str(self.tables[table.name].path)

    def _state(self, states: dict[str, Values], table: Table, line: int, row: Values) -> Values:
        state = states.get(row["state"])
        if state is None:
            raise IngestError(
                self._name(table), line, f"the state {row['state']} is not in {fmt.STATES.path}"
            )
        return state

    def _rows(self, table: Table) -> Iterator[tuple[int, Values]]:
        """The table's rows as values by column, typed and checked against its columns."""
        item = self.tables[table.name]
        for line, cells in table_lines(item, table):
            yield (
                line,
                {
                    c.name: cell_value(c, cell, item, line)
                    for c, cell in zip(table.columns, cells, strict=True)
                },
            )


class _Decisions:
    """The decision tables read into decisions, with their votes, subjects and differences."""

    def __init__(self, package: DataPackage, state_ids: dict[str, int]) -> None:
        self.package = package
        self.state_ids = state_ids
        self.width = max(state_ids.values(), default=0) + 1
        self.found: dict[int, tuple[Table, Record, Values, int]] = {}  # by id: table, record, row, line
        self.letters: dict[int, bytearray] = {}
        self.subjects: dict[int, set[tuple[str, str]]] = {}
        self.differences: dict[int, list[Difference]] = {}

    def build(self) -> list[Decision]:
        p = self.package
        keys: dict[tuple[str, str], int] = {}
        rcids: dict[int, int] = {}
        for table in (fmt.RESOLUTIONS, fmt.SEPARATE_VOTES):
            source = p.tables[table.name].source
            for line, row in p._rows(table):
                if row["id"] in self.found:
                    raise IngestError(p._name(table), line, f"the id {row['id']} is given twice")
                record = self._record(table, source, line, row)
                if (other := keys.get(record.key)) is not None:
                    raise IngestError(
                        p._name(table), line, f"the same decision as the id {other} ({record.key[1]})"
                    )
                keys[record.key] = row["id"]
                rcid = record.voeten_rcid
                if rcid is not None and (other := rcids.setdefault(rcid, row["id"])) != row["id"]:
                    reason = f"Voeten's roll call {rcid} is the id {other}'s too"
                    raise IngestError(p._name(table), line, reason)
                self.found[row["id"]] = (table, record, row, line)
        self._votes(fmt.VOTES, fmt.RESOLUTIONS)
        self._votes(fmt.SEPARATE_VOTE_VOTES, fmt.SEPARATE_VOTES)
        self._subjects(fmt.SUBJECTS, fmt.RESOLUTIONS)
        self._subjects(fmt.SEPARATE_VOTE_SUBJECTS, fmt.SEPARATE_VOTES)
        self._differences()
        return [self._decision(decision_id) for decision_id in self._in_order()]

    def _in_order(self) -> list[int]:
        tables = (fmt.RESOLUTIONS, fmt.SEPARATE_VOTES)
        return [i for table in tables for i, found in self.found.items() if found[0] is table]

    def _record(self, table: Table, source: SourceFile, line: int, row: Values) -> Record:
        separate = table is fmt.SEPARATE_VOTES
        kind = DecisionKind(row["kind"]) if separate else DecisionKind.RESOLUTION
        record = Record(
            source=source, line=line, day=row["date"], symbol=row["symbol"] or "",
            session_kind=SessionKind(row["session_kind"]), session_number=row["session_number"],
            adoption=Adoption(row["adoption"]), kind=kind, title=row["title"] or "",
            description=row["description"] or "", meeting_record=row["meeting_record"] or "",
            draft_symbol=row["draft_symbol"] or "", committee=row["committee"] or "",
            agenda_item=row["agenda_item"] or "", agenda_title=row["agenda_title"] or "",
            adopted=row["adopted"], important_vote=row["important_vote"], official_yes=row["official_yes"],
            official_no=row["official_no"], official_abstain=row["official_abstain"],
            official_non_voting=row["official_non_voting"], voeten_rcid=row["voeten_rcid"],
            voeten_ref=row["voeten_ref"] or "", undl_id=row["undl_id"],
        )  # fmt: skip
        try:
            row["sources"] = tuple(SourceKind(k) for k in (row["sources"] or "").split())
        except ValueError:
            allowed = ", ".join(k.value for k in SourceKind)
            raise IngestError(
                self.package._name(table),
                line,
                f"sources: {row['sources']!r} names a source other than {allowed}",
            ) from None
        return record

    def _owner(self, table: Table, owners: Table, line: int, decision_id: int) -> int:
        found = self.found.get(decision_id)
        if found is None or found[0] is not owners:
            raise IngestError(
                self.package._name(table), line, f"the id {decision_id} is not in {owners.path}"
            )
        return decision_id

    def _state_id(self, table: Table, line: int, code: str) -> int:
        state_id = self.state_ids.get(code)
        if state_id is None:
            raise IngestError(
                self.package._name(table), line, f"the state {code!r} is not in {fmt.STATES.path}"
            )
        return state_id

    def _votes(self, table: Table, owners: Table) -> None:
        """The votes table, read without the generic cell parsing: it has a million rows."""
        item = self.package.tables[table.name]
        blank = NO_VOTE.encode() * self.width
        current, row_letters = -1, bytearray()
        for line, (decision, code, word) in table_lines(item, table):
            try:
                decision_id = int(decision)
            except ValueError:
                raise IngestError(
                    str(item.path), line, f"{table.columns[0].name} is not a whole number"
                ) from None
            if decision_id != current:
                self._owner(table, owners, line, decision_id)
                row_letters = self.letters.setdefault(decision_id, bytearray(blank))
                current = decision_id
            state_id = self._state_id(table, line, code)
            letter = _LETTERS.get(word)
            if letter is None:
                allowed = ", ".join(fmt.VOTE_WORDS.values())
                raise IngestError(str(item.path), line, f"vote: {word!r} is not one of {allowed}")
            if row_letters[state_id] != blank[0]:
                raise IngestError(str(item.path), line, f"{code} votes twice in the vote {decision_id}")
            row_letters[state_id] = ord(letter)

    def _subjects(self, table: Table, owners: Table) -> None:
        key = table.columns[0].name
        for line, row in self.package._rows(table):
            decision_id = self._owner(table, owners, line, row[key])
            self.subjects.setdefault(decision_id, set()).add((row["vocabulary"], row["term"]))

    def _differences(self) -> None:
        table = fmt.DIFFERENCES
        for line, row in self.package._rows(table):
            decision_id = self._owner(table, fmt.RESOLUTIONS, line, row["resolution_id"])
            state_id = self._state_id(table, line, row["state"]) if row["state"] else None
            self.differences.setdefault(decision_id, []).append(
                Difference(
                    SourceKind(row["source"]),
                    DifferenceKind(row["kind"]),
                    state_id,
                    row["item"] or "",
                    row["shown"] or "",
                    row["other"] or "",
                )  # fmt: skip
            )

    def _decision(self, decision_id: int) -> Decision:
        table, record, row, line = self.found[decision_id]
        letters = self.letters.get(decision_id)
        text = letters.decode() if letters is not None else NO_VOTE * self.width
        record.has_roll_call = letters is not None
        record.subjects = self.subjects.get(decision_id, set())
        tally = (text.count(_YES), text.count(_NO), text.count(_ABSTAIN), text.count(_NON_VOTING))
        given = (row["yes"], row["no"], row["abstain"], row["non_voting"])
        if tally != given:
            votes = fmt.VOTES if table is fmt.RESOLUTIONS else fmt.SEPARATE_VOTE_VOTES
            raise IngestError(
                self.package._name(table),
                line,
                f"the counts yes/no/abstain/non_voting {'/'.join(map(str, given))} differ from the "
                f"{'/'.join(map(str, tally))} that {votes.path} lists",
            )
        parent = None
        if row.get("parent_id") is not None:
            self._owner(table, fmt.RESOLUTIONS, line, row["parent_id"])
            parent = self.found[row["parent_id"]][1].key
        return Decision(
            record,
            text,
            tally,
            row["roll_call_complete"],
            row["notes"] or "",
            differences=self.differences.get(decision_id, []),
            parent=parent,
            sources=row["sources"],
        )
