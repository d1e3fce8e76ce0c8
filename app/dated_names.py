"""A state's name on a date, as SQL. Roll calls, records, exports and the admin all list a vote under the
name the state had that day (Swaziland in 2017, Eswatini in 2019); the areas share this one subquery."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    ColumnExpressionArgument,
    ScalarSelect,
    or_,
    select,
)

from app.models import (
    StateName,
)


def name_on(
    state_id: ColumnExpressionArgument[int] | int, day: ColumnExpressionArgument[dt.date] | dt.date
) -> ScalarSelect[str]:
    """Scalar subquery: a state's name on a date (NULL before its first dated name)."""
    return (
        select(StateName.name)
        .where(
            StateName.state_id == state_id,
            StateName.valid_from <= day,
            or_(StateName.valid_to.is_(None), StateName.valid_to >= day),
        )
        .limit(1)
        .scalar_subquery()
    )
