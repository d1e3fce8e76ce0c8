"""What is derived from the records, brought up to date by both write doors in their own transaction.

The import (app.importing) and the admin's save (app.admin.service) change resolutions; what the
public side derives from them (the search index, the series of recurring resolutions, the planner's
statistics and the data version the page cache follows) must change in the same transaction, so that a
reader never sees one without the other. Both doors call ``after_write``; what differs is how much they
wrote, which ``Written`` says.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.data_version import bump
from app.db import refresh_planner_statistics
from app.resolutions.search import rebuild_search_index, refresh_search_entry
from app.series.refresh import refresh_series


@dataclass(frozen=True)
class Written:
    """What a write changed."""

    changed: bool = True  # anything at all (an import of files already read may change nothing)
    # The one resolution an admin saved; None for an import, which may have written any number.
    resolution_id: int | None = None
    # Whether what series group resolutions by may have changed: regrouping all 5,600 records takes
    # 0.6 s, and a save of votes, or of a record that is not grouped, cannot change them.
    regrouped: bool = True


def after_write(session: Session, written: Written) -> None:
    """Bring the derived data up to date with ``written``, in ``session``'s transaction."""
    if written.resolution_id is not None:
        refresh_search_entry(session, written.resolution_id)
    else:  # an import of nothing new only fills an index left empty
        rebuild_search_index(session, skip_if_filled=not written.changed)
    if written.regrouped:
        refresh_series(session)
    if written.changed and written.resolution_id is None:
        # After a bulk write the planner's statistics are out of date (app.db); one record changes nothing.
        refresh_planner_statistics(session)
    if written.changed:
        bump(session)  # the import's bulk statements go past the session events of app.data_version
