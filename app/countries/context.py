"""What every country page context shares: the base model, and the labels of a state's status and group."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.models import RegionalGroup, StateStatus

STATUS_LABELS = {
    StateStatus.MEMBER: "Member",
    StateStatus.FORMER: "Former member",
    StateStatus.OBSERVER: "Observer",
}


class PageContext(BaseModel):
    # Contexts carry ORM rows loaded up front; lazy="raise" stops a template from querying.
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)


def group_label(group: RegionalGroup) -> str:
    return group.value or "No regional group"


class Link(BaseModel):
    label: str
    url: str
