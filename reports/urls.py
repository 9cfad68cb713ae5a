from django.urls import path

from reports import recommendation_views as rec_views
from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("generate/", views.report_generate, name="generate"),
    path("archive.zip", views.archive_zip, name="archive"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/narratives/", views.report_narratives, name="narratives"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/approve/", views.report_approve, name="approve"),
    path("<int:pk>/render/", views.report_render, name="render"),
    path("<int:pk>/render-spanish/", views.report_render_spanish, name="render-spanish"),
    path("<int:pk>/screening/accept/", views.report_accept_hit, name="screening-accept"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/listing/<slug:listing>.csv", views.report_listing, name="listing"),
    path("survey/<int:pk>/summary/", views.survey_summary_generate, name="survey-summary"),
    path("plan/<int:year>/", views.plan_detail, name="plan"),
    path("plan/<int:year>/save/", views.plan_save, name="plan-save"),
    path("plan/<int:year>/submit/", views.plan_submit, name="plan-submit"),
    path("plan/<int:year>/decide/<slug:decision>/", views.plan_decide, name="plan-decide"),
    path("recommendations/", rec_views.recommendation_list, name="recommendations"),
    path("recommendations/new/", rec_views.recommendation_new, name="recommendation-new"),
    path("recommendations/<int:pk>/", rec_views.recommendation_detail, name="recommendation"),
    path(
        "recommendations/<int:pk>/edit/",
        rec_views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "recommendations/<int:pk>/submit/",
        rec_views.recommendation_submit,
        name="recommendation-submit",
    ),
    path(
        "recommendations/<int:pk>/decide/",
        rec_views.recommendation_decide,
        name="recommendation-decide",
    ),
    path(
        "recommendations/<int:pk>/complete/",
        rec_views.recommendation_complete,
        name="recommendation-complete",
    ),
]
