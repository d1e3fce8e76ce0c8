"""Estimated ideal points (app.ideal): the latest fit, rewritten whole by each run of the estimator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class IdealFit(Base):
    """One run of the estimator. The points and vote parameters stored are those of the latest run."""

    __tablename__ = "ideal_fit"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    fitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(
        Float, comment="wall time of the fit, reading and writing included"
    )
    warm: Mapped[bool] = mapped_column(Boolean, comment="started from the previous fit's values")
    iterations: Mapped[int]
    converged: Mapped[bool] = mapped_column(Boolean)
    log_posterior: Mapped[float] = mapped_column(Float)
    votes: Mapped[int] = mapped_column(comment="state votes (yes, no, abstain) the fit read")
    recorded_votes: Mapped[int] = mapped_column(comment="recorded votes (items) the fit read")
    item_groups: Mapped[int] = mapped_column(comment="item parameter sets: votes of one series share one")
    state_years: Mapped[int]
    data_version: Mapped[str] = mapped_column(
        Text, comment="app.ideal.queries.input_version of the record it read"
    )
    model: Mapped[str] = mapped_column(String(200), comment="the model and its priors")


class IdealPoint(Base):
    """A state's estimated position in one session year (year = 1945 + session number)."""

    __tablename__ = "ideal_point"
    __table_args__ = (Index(None, "year"),)

    state_id: Mapped[int] = mapped_column(ForeignKey("state.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, comment="year the session opened")
    ideal_point: Mapped[float] = mapped_column(Float)
    se: Mapped[float] = mapped_column(Float, comment="standard error of the estimate")
    votes: Mapped[int] = mapped_column(comment="votes (yes, no, abstain) the estimate rests on")


class IdealItem(Base):
    """The estimated parameters of one recorded vote; the votes of one series share them."""

    __tablename__ = "ideal_item"

    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, comment="session year the vote counts in")
    discrimination: Mapped[float] = mapped_column(Float)
    cut_no: Mapped[float] = mapped_column(Float, comment="latent value below which a state votes no")
    cut_yes: Mapped[float] = mapped_column(Float, comment="latent value from which a state votes yes")
    bridged: Mapped[int] = mapped_column(comment="recorded votes sharing these parameters (1: none)")
