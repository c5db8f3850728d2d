from rest_framework.routers import DefaultRouter

from .views import UnitViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", UnitViewSet, basename="unit")
urlpatterns = router.urls
