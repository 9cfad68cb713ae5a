from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/preview/", views.survey_preview, name="preview"),
    path("<int:pk>/questions/new/", views.question_edit, name="question-new"),
    path("<int:pk>/questions/<int:question_id>/", views.question_edit, name="question-edit"),
    path(
        "<int:pk>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path(
        "<int:pk>/questions/<int:question_id>/move/<slug:direction>/",
        views.question_move,
        name="question-move",
    ),
    path("<int:pk>/submit/", views.survey_submit, name="submit"),
    path("<int:pk>/decide/<slug:decision>/", views.survey_decide, name="decide"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/forums/", views.forum_add, name="forum-add"),
    path("<int:pk>/forums/<int:forum_id>/sheet.pdf", views.forum_sheet, name="forum-sheet"),
    path("<int:pk>/invitations/", views.invitations_issue, name="invitations"),
    path("<int:pk>/paper/", views.paper_entry, name="paper"),
    path("<int:pk>/paper/batches/", views.paper_batch_add, name="paper-batch-add"),
    path("<int:pk>/agencies/", views.agency_invite, name="agency-invite"),
    path("<int:pk>/social/", views.social_add, name="social-add"),
    # Public, without signing in: an agency head's single-use link and a social-media link.
    path("answer/<slug:token>/", views.agency_answer, name="agency-answer"),
    path("s/<slug:slug>/m/<slug:link_slug>/", views.social_form, name="social"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/results.csv", views.results_csv, name="results-csv"),
    path("<int:pk>/actions/", views.action_add, name="action-add"),
    path("<int:pk>/actions/<int:action_id>/done/", views.action_done, name="action-done"),
]
