from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import LinkViewSet, PortfolioView, ReviewCampaignViewSet, ReviewViewSet, SystemViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("itprojects/systems", SystemViewSet, basename="itprojects-system")
router.register("itprojects/links", LinkViewSet, basename="itprojects-link")
router.register("itprojects/review-campaigns", ReviewCampaignViewSet, basename="itprojects-review-campaign")
router.register("itprojects/reviews", ReviewViewSet, basename="itprojects-review")
urlpatterns = [
    path("itprojects/portfolio/", PortfolioView.as_view(), name="itprojects-portfolio"),
    *router.urls,
]
