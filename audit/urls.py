from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_trail, name="trail"),
    path("export.csv", views.audit_export, name="export"),
    path("integrity/", views.integrity, name="integrity"),
]
