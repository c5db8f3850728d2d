from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("outbox/", views.outbox, name="outbox"),
    path("retention/", views.purge_history, name="purge_history"),
]
