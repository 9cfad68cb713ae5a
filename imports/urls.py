from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_home, name="home"),
    path("check/<str:token>/", views.import_check, name="check"),
    path("<int:pk>/", views.import_log, name="log"),
    path("<slug:kind>/template.<str:extension>", views.import_template, name="template"),
    path("<slug:kind>/export.csv", views.import_export, name="export"),
]
