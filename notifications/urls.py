from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("menu/", views.notification_menu, name="menu"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("settings/", views.notification_settings, name="settings"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_message, name="outbox-message"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox-retry"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]
