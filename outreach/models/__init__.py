"""The community relations unit's contact with the community (000 III, 002 300.3-300.9)."""

from outreach.models.activities import OutreachActivity, Participant
from outreach.models.materials import Material, MaterialDistribution
from outreach.models.organizations import CommunityOrganization
from outreach.models.people import (
    CommunityInputReport,
    Recognition,
    ReportingAssignment,
    TrainingNeed,
)
from outreach.models.tallies import ActivityDayTally

__all__ = [
    "ActivityDayTally",
    "CommunityInputReport",
    "CommunityOrganization",
    "Material",
    "MaterialDistribution",
    "OutreachActivity",
    "Participant",
    "Recognition",
    "ReportingAssignment",
    "TrainingNeed",
]
