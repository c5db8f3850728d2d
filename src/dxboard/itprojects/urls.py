from django.urls import path

from . import views

app_name = "itprojects"
urlpatterns = [
    path("", views.system_list, name="systems"),
    path("systems/new/", views.system_create, name="system-create"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/edit/", views.system_edit, name="system-edit"),
    path("systems/<int:pk>/usage/", views.system_usage, name="system-usage"),
    path("systems/<int:pk>/delete/", views.system_delete, name="system-delete"),
    path("systems/<int:pk>/datasets/", views.dataset_add, name="dataset-add"),
    path("systems/<int:pk>/links/", views.link_add, name="link-add"),
    path("datasets/<int:pk>/remove/", views.dataset_remove, name="dataset-remove"),
    path("links/<int:pk>/remove/", views.link_remove, name="link-remove"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("import/", views.import_xlsx, name="import"),
    path("import/apply/", views.import_xlsx, name="import-apply"),
    path("portfolio/", views.portfolio_view, name="portfolio"),
    path("graph/", views.graph_page, name="graph"),
    path("graph.svg", views.graph_svg, name="graph-svg"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("reviews/", views.campaign_list, name="campaigns"),
    path("reviews/<int:year>/", views.campaign_detail, name="campaign"),
    path("reviews/<int:year>/close/", views.campaign_close, name="campaign-close"),
    path("reviews/<int:year>/add-missing/", views.campaign_add_missing, name="campaign-add-missing"),
    path("review/<int:pk>/", views.review_detail, name="review"),
    path("review/<int:pk>/steering-task/", views.review_to_task, name="review-task"),
]
