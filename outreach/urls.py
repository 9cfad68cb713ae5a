from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_edit, name="organization-new"),
    path("organizations/lookup/", views.organization_lookup, name="organization-lookup"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/lookup/", views.activity_lookup, name="activity-lookup"),
    path("activities/export.csv", views.activity_export, name="activity-export"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path(
        "activities/<int:activity_pk>/participants/new/",
        views.participant_edit,
        name="participant-new",
    ),
    path(
        "activities/<int:activity_pk>/participants/<int:pk>/",
        views.participant_edit,
        name="participant-edit",
    ),
    path(
        "activities/<int:activity_pk>/participants/<int:pk>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path("materials/", views.material_list, name="materials"),
    path("materials/new/", views.material_edit, name="material-new"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material-edit"),
    path("materials/<int:pk>/design/", views.material_design, name="material-design"),
    path("materials/<int:pk>/submit/", views.material_submit, name="material-submit"),
    path(
        "materials/<int:pk>/decide/<slug:decision>/",
        views.material_decide,
        name="material-decide",
    ),
    path(
        "materials/<int:pk>/distribute/",
        views.material_distribute,
        name="material-distribute",
    ),
    path("training/", views.training_list, name="training"),
    path("training/new/", views.training_new, name="training-new"),
    path("training/<int:pk>/<slug:step>/", views.training_step, name="training-step"),
    path("recognition/", views.recognition_list, name="recognition"),
    path("recognition/new/", views.recognition_new, name="recognition-new"),
    path("command-staff/", views.command_staff_attendance, name="command-staff"),
    path("reporting/", views.reporting_status, name="reporting"),
    path("reporting/assign/", views.assignment_add, name="assignment-add"),
    path("reporting/new/", views.community_input_new, name="community-input"),
]
