from django.urls import include, path

from . import audit_views, views

app_name = "index"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework"),
    path("frameworks/<int:pk>/map/", views.framework_map, name="framework-map"),
    path("campaigns/<int:pk>/grades/", views.campaign_grades, name="campaign-grades"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/action/", views.campaign_action, name="campaign-action"),
    path("campaigns/<int:pk>/results/", views.results, name="results"),
    path("campaigns/<int:pk>/units/<str:code>/", views.scorecard, name="scorecard"),
    path("campaigns/<int:pk>/audit/", audit_views.audit_page, name="audit"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/action/", views.submission_action, name="submission-action"),
    path("answers/<int:pk>/", views.answer_save, name="answer-save"),
    path("answers/<int:pk>/review/", views.answer_review, name="answer-review"),
    path("answers/<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("answers/<int:pk>/appeal/", views.appeal_file, name="appeal-file"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("", include("dxboard.index.urls_excel")),
    path("", include("dxboard.index.urls_reports")),
]
