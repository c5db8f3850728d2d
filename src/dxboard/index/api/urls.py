from rest_framework.routers import DefaultRouter

from .views import AnswerViewSet, PublishedResultViewSet, SubmissionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("index/results", PublishedResultViewSet, basename="index-result")
router.register("index/submissions", SubmissionViewSet, basename="index-submission")
router.register("index/answers", AnswerViewSet, basename="index-answer")
urlpatterns = router.urls
