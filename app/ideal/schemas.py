"""The JSON shape of an ideal point, for the ideal-points API and a country's own list
(app/countries/api.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.ideal.queries import PointOut


class IdealPointOut(BaseModel):
    country: str = Field(description="ISO 3166-1 alpha-3 code (or our code for a former state)")
    year: int = Field(description="year the session opened: session N is 1945 + N, September to September")
    ideal_point: float = Field(
        description="position on the Assembly's main divide; the United States is positive"
    )
    se: float = Field(description="standard error; a 95 % interval is ideal_point +- 1.96 se")
    votes: int = Field(description="votes (yes, no, abstain) the estimate rests on")


def points_out(rows: list[PointOut]) -> list[IdealPointOut]:
    return [
        IdealPointOut(country=p.code, year=p.year, ideal_point=p.ideal_point, se=p.se, votes=p.votes)
        for p in rows
    ]


DESCRIPTION = (
    "Dynamic ideal points estimated from the recorded votes with the model of Bailey, Strezhnev and Voeten "
    "(2017), re-estimated after every import and admin save; the method is on /about#ideal-points. Empty "
    "until the first fit is stored."
)
