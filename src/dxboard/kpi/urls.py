from django.urls import path

from . import views

app_name = "kpi"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("metrics/new/", views.metric_edit, name="metric-new"),
    path("metrics/<str:code>/", views.metric_page, name="metric"),
    path("metrics/<str:code>/edit/", views.metric_edit, name="metric-edit"),
    path("sources/", views.sources, name="sources"),
    path("metrics/<str:code>/template.xlsx", views.template_xlsx, name="template"),
    path("league/", views.league, name="league"),
    path("observations/", views.history, name="observations"),
    path("entry/", views.entry, name="entry"),
    path("upload/", views.upload_page, name="upload"),
]
