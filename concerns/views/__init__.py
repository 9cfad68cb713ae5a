"""The concern pages, one module per concept; the names the URL configurations use."""

from concerns.views._common import get_concern_for
from concerns.views.detail import concern_detail, concern_respond, concern_step, routing_acknowledge
from concerns.views.intake import concern_logged, concern_new
from concerns.views.lists import concern_export, concern_list, concern_mine
from concerns.views.public import feedback, feedback_received, public_language, remember_language
from concerns.views.setup import department_edit, departments, unit_edit

__all__ = [
    "concern_detail",
    "concern_export",
    "concern_list",
    "concern_logged",
    "concern_mine",
    "concern_new",
    "concern_respond",
    "concern_step",
    "department_edit",
    "departments",
    "feedback",
    "feedback_received",
    "get_concern_for",
    "public_language",
    "remember_language",
    "routing_acknowledge",
    "unit_edit",
]
