"""ORM models, one module per entity. Importing this package registers every table on the metadata."""

from app.models.admin import AdminSession, AdminUser, AuditEvent, LoginFailure, VoteIntention
from app.models.base import Base
from app.models.data_version import DataVersion
from app.models.enums import (
    Adoption,
    DecisionKind,
    DifferenceKind,
    RegionalGroup,
    SessionKind,
    SourceKind,
    StateStatus,
    VoteChoice,
)
from app.models.ideal import IdealFit, IdealItem, IdealPoint
from app.models.imports import ImportRun
from app.models.report import ErrorReport, ReportStatus
from app.models.resolution import DataSource, Resolution, ResolutionSubject, SourceDifference
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
    "DataVersion",
    "DecisionKind",
    "ErrorReport",
    "DifferenceKind",
    "IdealFit",
    "IdealItem",
    "IdealPoint",
    "ImportRun",
    "LoginFailure",
    "Membership",
    "RegionalGroup",
    "ReportStatus",
    "Resolution",
    "ResolutionSubject",
    "Series",
    "SeriesMember",
    "SessionKind",
    "SourceDifference",
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
