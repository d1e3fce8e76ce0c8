"""When the ideal points are estimated: on demand, after an import, and in the background after an admin
save. Never in a request: a fit takes seconds (a full one up to a minute), so requests only read the
stored results.

A fit reads the record in one transaction, fits outside any transaction, and stores the results in a
second, short one. Saves that come while a fit runs are caught by one more fit when it ends (one thread
per process, never two fits at once in a process); a fit that finds a fit stored that started after it
(another worker's, on newer data) throws its own results away.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.config import get_settings
from app.db import unit_of_work
from app.ideal import queries
from app.ideal.data import Prepared, prepare
from app.ideal.estimate import fit
from app.ideal.model import Fit, Prior, Start
from app.models import IdealFit

log = logging.getLogger(__name__)

POSITIVE_STATE = "USA"  # identification: the United States is on the positive side
PRIOR = Prior()
MODEL = (
    "dynamic ordered probit (Bailey, Strezhnev and Voeten 2017), series as bridges; "
    f"random walk variance {PRIOR.drift_variance}, first year N(0, {PRIOR.initial_variance}), "
    f"discrimination N(0, {PRIOR.discrimination_sd}^2), cut points N(0, {PRIOR.cut_sd}^2); Laplace EM"
)


@dataclass(frozen=True)
class FitReport:
    stored: bool  # False when a newer fit was already stored
    seconds: float
    read_seconds: float
    fit_seconds: float
    iterations: int
    converged: bool
    warm: bool
    votes: int
    recorded_votes: int
    state_years: int


def start_values(prepared: Prepared, previous: queries.StoredFit | None) -> Start | None:
    """The previous fit's values for the nodes and items it knew (NaN for the new ones)."""
    if previous is None:
        return None
    node_states = prepared.node_state_ids()
    theta = np.array(
        [
            previous.points.get((s, y), np.nan)
            for s, y in zip(node_states, prepared.node_years.tolist(), strict=True)
        ]
    )
    params = np.full((len(prepared.item_groups), 3), np.nan)
    for group, members in enumerate(prepared.item_groups):
        known = [previous.items[rid] for rid in members if rid in previous.items]
        if known:
            params[group] = known[-1]
    return Start(theta=theta, beta=params[:, 0], cut_no=params[:, 1], cut_yes=params[:, 2])


def fit_and_store(*, warm: bool = True) -> FitReport:
    """Estimate the ideal points from the stored record and store them (``warm``: start from the last
    fit). Returns what was done; raises if the database fails."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    with unit_of_work(read_only=False) as session:
        version = queries.input_version(session)
        items = queries.fit_items(session)
        arrays = queries.fit_votes(session)
        previous = queries.stored_fit(session) if warm else None
        positive = queries.state_id_of(session, POSITIVE_STATE)
    read_seconds = time.perf_counter() - started
    prepared = prepare(arrays.resolution_ids, arrays.state_ids, arrays.choices, items)
    start = start_values(prepared, previous)
    positive_index = prepared.state_ids.index(positive) if positive in prepared.state_ids else None
    fit_started = time.perf_counter()
    result = fit(prepared.votes, PRIOR, start=start, positive_state=positive_index)
    fit_seconds = time.perf_counter() - fit_started
    points, item_rows = _rows(prepared, result)
    run = IdealFit(
        started_at=started_at,
        fitted_at=dt.datetime.now(dt.UTC),
        seconds=0.0,
        warm=start is not None,
        iterations=result.iterations,
        converged=result.converged,
        log_posterior=result.log_posterior,
        votes=len(prepared.votes.node),
        recorded_votes=len(prepared.resolution_years),
        item_groups=prepared.votes.n_items,
        state_years=prepared.votes.n_nodes,
        data_version=version,
        model=MODEL,
    )
    with unit_of_work(write=True) as session:
        stored = not queries.fitted_since(session, started_at)
        if stored:
            run.seconds = time.perf_counter() - started
            queries.replace_fit(session, run, points, item_rows)
    return FitReport(
        stored=stored,
        seconds=time.perf_counter() - started,
        read_seconds=read_seconds,
        fit_seconds=fit_seconds,
        iterations=result.iterations,
        converged=result.converged,
        warm=start is not None,
        votes=run.votes,
        recorded_votes=run.recorded_votes,
        state_years=run.state_years,
    )


def _rows(prepared: Prepared, result: Fit) -> tuple[list[queries.PointRow], list[queries.ItemRow]]:
    node_states = prepared.node_state_ids()
    points = [
        queries.PointRow(state_id=s, year=y, ideal_point=round(v, 4), se=round(e, 4), votes=n)
        for s, y, v, e, n in zip(
            node_states,
            prepared.node_years.tolist(),
            result.theta.tolist(),
            result.se.tolist(),
            prepared.node_votes.tolist(),
            strict=True,
        )
    ]
    items = [
        queries.ItemRow(
            resolution_id=rid,
            year=prepared.resolution_years[rid],
            discrimination=round(float(result.beta[group]), 5),
            cut_no=round(float(result.cut_no[group]), 5),
            cut_yes=round(float(result.cut_yes[group]), 5),
            bridged=len(members),
        )
        for group, members in enumerate(prepared.item_groups)
        for rid in members
    ]
    return points, items


def is_stale() -> bool:
    """Whether the record changed since the stored fit read it (or nothing is stored yet)."""
    with unit_of_work(read_only=False) as session:
        latest = queries.latest_fit(session)
        return latest is None or latest.data_version != queries.input_version(session)


# --- In the background --------------------------------------------------------------------------

_lock = threading.Lock()
_running = False
_pending = False


def refit_in_background() -> None:
    """Start a warm fit in a background thread, or, if one is running, one more when it ends."""
    global _running, _pending
    with _lock:
        if _running:
            _pending = True
            return
        _running = True
    threading.Thread(target=_work, name="ideal-points", daemon=True).start()


def _work() -> None:
    global _running, _pending
    while True:
        try:
            report = fit_and_store(warm=True)
            log.info(
                "ideal points fitted in %.1f s (%d iterations, %s)",
                report.seconds,
                report.iterations,
                "stored" if report.stored else "a newer fit was stored meanwhile",
            )
        except Exception:  # a background thread has nobody to raise to: log, and let the next save retry
            log.exception("ideal points: the fit failed")
        with _lock:
            if not _pending:
                _running = False
                return
            _pending = False


def wait_for_background(timeout: float | None = None) -> bool:
    """Wait until no background fit runs (tests, benchmarks); False on time-out."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _lock:
            if not _running:
                return True
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def refit_after_commit(session: Session) -> None:
    """Have the ideal points re-estimated in the background once ``session`` commits (an admin save);
    nothing if the transaction rolls back, or when UNGA_IDEAL_POINTS_REFIT is off."""
    if not get_settings().ideal_points_refit:
        return

    def _committed(_session: Any) -> None:
        refit_in_background()

    event.listen(session, "after_commit", _committed, once=True)
