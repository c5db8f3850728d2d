from django.urls import path

from . import views

app_name = "kpi"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("overview.xlsx", views.overview_export, {"fmt": "xlsx"}, name="overview-xlsx"),
    path("overview.docx", views.overview_export, {"fmt": "docx"}, name="overview-docx"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("metrics/new/", views.metric_edit, name="metric-new"),
    path("metrics/<str:code>/", views.metric_page, name="metric"),
    path("metrics/<str:code>/edit/", views.metric_edit, name="metric-edit"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source-edit"),
    path("endpoints/", views.endpoints, name="endpoints"),
    path("endpoints/<int:pk>/edit/", views.endpoint_edit, name="endpoint-edit"),
    path("alert-rules/", views.alert_rules, name="alert-rules"),
    path("alert-rules/<int:pk>/edit/", views.alert_rule_edit, name="alert-rule-edit"),
    path("metrics/<str:code>/template.xlsx", views.template_xlsx, name="template"),
    path("metrics/<str:code>/export.xlsx", views.metric_export, {"fmt": "xlsx"}, name="metric-xlsx"),
    path("metrics/<str:code>/export.docx", views.metric_export, {"fmt": "docx"}, name="metric-docx"),
    path("league/", views.league, name="league"),
    path("observations/", views.history, name="observations"),
    path("entry/", views.entry, name="entry"),
    path("upload/", views.upload_page, name="upload"),
]
