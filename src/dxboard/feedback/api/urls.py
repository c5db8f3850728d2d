from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import FiguresView, ReportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("feedback/reports", ReportViewSet, basename="feedback-report")
urlpatterns = [
    path("feedback/figures/", FiguresView.as_view(), name="feedback-figures"),
    *router.urls,
]
