from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("r/<str:code>/", views.follow, name="follow"),
    path("r/<str:code>/rate/", views.rate, name="rate"),
    path("r/<str:code>/reopen/", views.reopen, name="reopen"),
    path("r/<str:code>/forget/", views.forget, name="forget"),
    path("r/<str:code>/photos/<uuid:uid>/", views.photo, name="own-photo"),  # under the key cookie's path
    path("photos/<uuid:uid>/", views.photo, name="photo"),
    path("public/", views.public, name="public"),
    path("manifest.json", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("office/", views.queue, name="queue"),
    path("office/<int:pk>/", views.office_report, name="office"),
    path("office/<int:pk>/action/", views.office_action, name="office-action"),
    path("office/routing/", views.routing_quality, name="routing"),
    path("office/settings/", views.settings_page, name="settings"),
    path("office/categories/new/", views.category_edit, name="category-new"),
    path("office/categories/<int:pk>/", views.category_edit, name="category"),
]
