"""The outreach pages, one module per concept: organizations, activities, participants,
materials, training needs, recognition and officers' community input (reporting). The
names are gathered here for outreach.urls."""

from outreach.views.activities import (
    activity_detail,
    activity_edit,
    activity_export,
    activity_list,
    activity_lookup,
    activity_new,
    get_activity_for,
)
from outreach.views.command_staff import command_staff_attendance
from outreach.views.materials import (
    material_decide,
    material_design,
    material_detail,
    material_distribute,
    material_edit,
    material_list,
    material_submit,
)
from outreach.views.organizations import (
    organization_detail,
    organization_edit,
    organization_list,
    organization_lookup,
)
from outreach.views.participants import participant_edit, participant_remove
from outreach.views.recognition import recognition_list, recognition_new
from outreach.views.reporting import assignment_add, community_input_new, reporting_status
from outreach.views.training import training_list, training_new, training_step

__all__ = [
    "activity_detail",
    "activity_edit",
    "activity_export",
    "activity_list",
    "activity_lookup",
    "activity_new",
    "assignment_add",
    "command_staff_attendance",
    "community_input_new",
    "get_activity_for",
    "material_decide",
    "material_design",
    "material_detail",
    "material_distribute",
    "material_edit",
    "material_list",
    "material_submit",
    "organization_detail",
    "organization_edit",
    "organization_list",
    "organization_lookup",
    "participant_edit",
    "participant_remove",
    "recognition_list",
    "recognition_new",
    "reporting_status",
    "training_list",
    "training_new",
    "training_step",
]
