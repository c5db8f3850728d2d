from rest_framework.routers import DefaultRouter

from .views import DeclarationViewSet, ExtensionViewSet, TaskViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("steering/tasks", TaskViewSet, basename="steering-task")
router.register("steering/extensions", ExtensionViewSet, basename="steering-extension")
router.register("steering/declarations", DeclarationViewSet, basename="steering-declaration")
urlpatterns = router.urls
