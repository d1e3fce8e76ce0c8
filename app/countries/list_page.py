"""The context of /countries: every state, by regional group, filtered by name, group and status."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.countries import queries
from app.countries.context import STATUS_LABELS, PageContext, group_label
from app.countries.params import GROUP_SLUGS, ListQuery
from app.models import State, StateStatus
from app.templating import format_date
from app.urls import (
    country_path,
)


class StateRow(BaseModel):
    code: str
    name: str
    url: str
    status: str
    former_names: list[str]
    membership: str
    group: str


class GroupSection(BaseModel):
    name: str
    states: list[StateRow]


class ListPage(PageContext):
    query: ListQuery
    sections: list[GroupSection]
    total: int
    members: int
    groups: list[tuple[str, str]]  # slug, label
    statuses: list[tuple[str, str]]
    message: str


def _membership_summary(state: State) -> str:
    if not state.memberships:
        return "Never a member" if state.status is StateStatus.OBSERVER else ""
    parts = []
    for m in state.memberships:
        if m.ended_on is None:
            parts.append(f"since {format_date(m.admitted_on)}")
        else:
            parts.append(f"{format_date(m.admitted_on)} – {format_date(m.ended_on)}")
    return "; ".join(parts)


def list_page(session: Session, query: ListQuery) -> ListPage:
    group = GROUP_SLUGS.get(query.group) if query.group else None
    status = StateStatus(query.status) if query.status else None
    states = queries.list_states(session, query.q, group, status)
    by_group: dict[str, list[StateRow]] = {}
    for s in states:
        row = StateRow(
            code=s.code,
            name=s.name,
            url=country_path(s.code),
            status=STATUS_LABELS[s.status],
            former_names=[n.name for n in s.names if n.name != s.name],
            membership=_membership_summary(s),
            group=group_label(s.regional_group),
        )
        by_group.setdefault(row.group, []).append(row)
    order = [group_label(g) for g in GROUP_SLUGS.values()]
    sections = [GroupSection(name=g, states=by_group[g]) for g in order if g in by_group]
    message = ""
    if not states:
        message = "No state matches these filters. Try another spelling, or clear the filters."
    return ListPage(
        query=query,
        sections=sections,
        total=len(states),
        members=sum(1 for s in states if s.status is StateStatus.MEMBER),
        groups=[(slug, group_label(g)) for slug, g in GROUP_SLUGS.items()],
        statuses=[(s.value, label) for s, label in STATUS_LABELS.items()],
        message=message,
    )
