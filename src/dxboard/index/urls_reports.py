"""DOCX/PDF reports, server-drawn charts and the boundary upload (included by index/urls.py)."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("campaigns/<int:pk>/charts/ranking.svg", views_reports.chart_ranking, name="chart-ranking"),
    path("campaigns/<int:pk>/charts/radar.svg", views_reports.chart_radar, name="chart-radar"),
    path("campaigns/<int:pk>/charts/heatmap.svg", views_reports.chart_heatmap, name="chart-heatmap"),
    path("campaigns/<int:pk>/charts/series.svg", views_reports.chart_series, name="chart-series"),
    path("campaigns/<int:pk>/charts/map.svg", views_reports.chart_map, name="chart-map"),
    path("campaigns/<int:pk>/report.docx", views_reports.report_docx, name="report-docx"),
    path("campaigns/<int:pk>/report.pdf", views_reports.report_pdf, name="report-pdf"),
    path("boundaries/", views_reports.boundary_upload, name="boundary-upload"),
]
