"""Excel round trip of the self-assessment form and XLSX exports (included by index/urls.py)."""

from django.urls import path

from . import views_excel

urlpatterns = [
    path("submissions/<int:pk>/excel/", views_excel.excel_template, name="excel-template"),
    path("submissions/<int:pk>/excel/upload/", views_excel.excel_upload, name="excel-upload"),
    path("submissions/<int:pk>/excel/apply/", views_excel.excel_apply, name="excel-apply"),
    path("campaigns/<int:pk>/export/results.xlsx", views_excel.export_results, name="export-results"),
    path("campaigns/<int:pk>/export/inputs.xlsx", views_excel.export_inputs, name="export-inputs"),
]
