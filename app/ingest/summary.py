"""What an import reports: its progress as it goes, and what it changed. Kept apart from the import
itself, so that the ``unga`` command loads the import (numpy, polars, the admin's entry) only to run one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ProvisionalResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # changed by an admin since: left as the admin left it
    replaced: list[str] = field(default_factory=list)  # "ES-11/2026-02-24 -> A/RES/ES-11/9"

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.replaced)


class Reporter:
    """Progress callbacks; the CLI shows a progress bar, tests and the server stay quiet."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass
class ImportSummary:
    files: list[str] = field(default_factory=list)
    states_added: int = 0
    states_changed: int = 0
    states_kept: list[str] = field(default_factory=list)  # changed by an admin, unlike the file: kept
    resolutions_added: int = 0
    resolutions_changed: int = 0
    resolutions_unchanged: int = 0
    # Saved through the admin, and their source record changed since: kept as the admin left them.
    resolutions_kept: list[str] = field(default_factory=list)
    # Unpublished through the admin, and their source record changed: updated, still unpublished.
    unpublished_updated: list[str] = field(default_factory=list)
    votes_written: int = 0
    removed: int = 0  # stale decisions removed (app.ingest.load)
    differences: int = 0  # differences between sources recorded
    separate_votes: int = 0  # Voeten's roll calls that match no UN record
    flagged: int = 0  # records whose official totals and roll call disagree, or with a source note
    duplicate_names: int = 0
    outside_membership: Counter[str] = field(default_factory=Counter)
    provisional: ProvisionalResult = field(default_factory=ProvisionalResult)

    @property
    def changed_anything(self) -> bool:
        return (
            any(
                (
                    self.states_added,
                    self.states_changed,
                    self.resolutions_added,
                    self.resolutions_changed,
                    self.removed,
                )
            )
            or self.provisional.changed_anything
        )
