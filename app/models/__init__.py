"""ORM models, one module per entity. Importing this package registers every table on the metadata."""

from app.models.admin import AdminSession, AdminUser, AuditEvent, LoginFailure, VoteIntention
from app.models.base import Base
from app.models.enums import (
    Adoption,
    DecisionKind,
    RegionalGroup,
    SessionKind,
    SourceKind,
    StateStatus,
    VoteChoice,
)
from app.models.ideal import IdealFit, IdealItem, IdealPoint
from app.models.resolution import DataSource, Resolution, ResolutionSubject
from app.models.series import Series, SeriesMember
from app.models.state import Membership, State, StateAlias, StateName, Suspension
from app.models.vote import Vote

__all__ = [
    "AdminSession",
    "AdminUser",
    "Adoption",
    "AuditEvent",
    "Base",
    "DataSource",
    "DecisionKind",
    "IdealFit",
    "IdealItem",
    "IdealPoint",
    "LoginFailure",
    "Membership",
    "RegionalGroup",
    "Resolution",
    "ResolutionSubject",
    "Series",
    "SeriesMember",
    "SessionKind",
    "SourceKind",
    "State",
    "StateAlias",
    "StateName",
    "StateStatus",
    "Suspension",
    "Vote",
    "VoteChoice",
    "VoteIntention",
]
