from django.urls import path

from concerns import open311, views
from concerns.views import attachments, duplicates, organization_notice

app_name = "concerns"

urlpatterns = [
    path("", views.concern_list, name="list"),
    path("mine/", views.concern_mine, name="mine"),
    path("new/", views.concern_new, name="new"),
    path("export.csv", views.concern_export, name="export"),
    path("map/", views.lists.concern_map, name="map"),
    path("departments/", views.departments, name="departments"),
    path("departments/add/", views.department_edit, name="department-add"),
    path("departments/<int:pk>/", views.department_edit, name="department-edit"),
    path("units/add/", views.unit_edit, name="unit-add"),
    path("units/<int:pk>/", views.unit_edit, name="unit-edit"),
    path("open311-keys/", open311.keys_page, name="open311-keys"),
    path("open311-keys/<int:pk>/revoke/", open311.key_revoke, name="open311-key-revoke"),
    path("possible-duplicates/", duplicates.possible_duplicates_page, name="possible-duplicates"),
    path("<str:reference>/", views.concern_detail, name="detail"),
    path("<str:reference>/logged/", views.concern_logged, name="logged"),
    path("<str:reference>/respond/", views.concern_respond, name="respond"),
    path("<str:reference>/files/add/", attachments.attachment_add, name="attachment-add"),
    path("<str:reference>/files/<int:pk>/", attachments.attachment_file, name="attachment"),
    path(
        "<str:reference>/files/<int:pk>/small/",
        attachments.attachment_thumbnail,
        name="attachment-thumbnail",
    ),
    path(
        "<str:reference>/routings/<int:routing_id>/acknowledge/",
        views.routing_acknowledge,
        name="acknowledge",
    ),
    path("<str:reference>/merge/", duplicates.merge_page, name="merge"),
    path("<str:reference>/unmerge/", duplicates.unmerge_view, name="unmerge"),
    path("<str:reference>/not-a-duplicate/", duplicates.dismiss_view, name="not-a-duplicate"),
    path(
        "<str:reference>/tell-organization/",
        organization_notice.tell_organization,
        name="tell-organization",
    ),
    path("<str:reference>/<slug:action>/", views.concern_step, name="step"),
]
