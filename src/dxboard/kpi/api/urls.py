from django.urls import path

from .views import PushView, SeriesView

urlpatterns = [
    path("kpi/observations/", PushView.as_view(), name="kpi-observations"),
    path("kpi/series/", SeriesView.as_view(), name="kpi-series"),
]
