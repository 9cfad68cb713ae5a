from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_edit, name="new"),
    path("export.csv", views.program_export, name="export"),
    path("evaluations/", views.evaluation_schedule, name="schedule"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation-edit"),
    path("evaluations/<int:pk>/submit/", views.evaluation_submit, name="evaluation-submit"),
    path(
        "evaluations/<int:pk>/decide/<slug:decision>/",
        views.evaluation_decide,
        name="evaluation-decide",
    ),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/evaluate/", views.evaluation_new, name="evaluate"),
    path("<int:pk>/status/<slug:move>/", views.program_move, name="move"),
]
