"""Every table, imported in one place so Alembic and the schema test see the whole metadata."""

from courtjourney.accounts.models import ApiToken, AuditEvent, Team, User, UserSession  # noqa: F401
from courtjourney.cases.models import (  # noqa: F401
    Case,
    CaseWorker,
    Consent,
    Contact,
    Correction,
    FamilyMember,
    RiskAssessment,
    SearchToken,
    StageMove,
    Task,
)
from courtjourney.contacts.models import (  # noqa: F401
    ContactCorrection,
    ContactEntry,
    ContactFollowUp,
    ContactMember,
    TeamContactStandard,
)
from courtjourney.db.base import metadata
from courtjourney.glossary.models import LocalEntry  # noqa: F401
from courtjourney.outcomes.models import (  # noqa: F401
    EqualityAnswers,
    ExitSurvey,
    ItemWording,
    OutcomeAnswer,
    OutcomeMeasure,
)
from courtjourney.referrals.models import Referral  # noqa: F401
from courtjourney.threats.models import Amendment, ChainLink, Evidence, Incident, PoliceReferral  # noqa: F401

__all__ = ("metadata",)
from courtjourney.debrief.models import (  # noqa: F401
    Closure,
    Outcome,
    PlanItem,
    PlanReview,
    PurgedCase,
    WitnessAttendance,
)
from courtjourney.documents.models import DocumentShare, ProducedDocument  # noqa: F401
from courtjourney.hearings.models import (  # noqa: F401
    Attendance,
    CalendarSubscription,
    Charge,
    Hearing,
    HearingChange,
    Proceeding,
    SpecialMeasure,
)
from courtjourney.messages.models import MemberReach, OutboxMessage  # noqa: F401
from courtjourney.reports.models import SubmittedReport  # noqa: F401
