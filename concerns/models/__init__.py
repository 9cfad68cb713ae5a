"""Concerns: what citizens tell the department, and what the department did about it.

The intake fields are those of 000 IV.A (1-5) and 001 IV.B; the workflow is 001 IV.B.1-2.
No field anywhere asks about immigration or citizenship status (004 IV)."""

from concerns.models.attachments import Attachment
from concerns.models.concern import Concern, ConcernUpdate
from concerns.models.handoffs import Referral, Routing
from concerns.models.integration import Open311Key, Open311Receipt, ReferenceCounter
from concerns.models.places import Department, Unit
from concerns.models.tallies import ConcernDayTally, ConcernMonthTally, ConcernStatusTally

__all__ = [
    "Attachment",
    "Concern",
    "ConcernDayTally",
    "ConcernMonthTally",
    "ConcernStatusTally",
    "ConcernUpdate",
    "Department",
    "Open311Key",
    "Open311Receipt",
    "ReferenceCounter",
    "Referral",
    "Routing",
    "Unit",
]
