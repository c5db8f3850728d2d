import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from .. import actions
from ..models import Answer, Campaign, Submission
from .serializers import AnswerSerializer, PublishedResultSerializer, SubmissionSerializer


class ResultFilterSet(django_filters.FilterSet):
    framework = django_filters.CharFilter(field_name="framework__code")
    period = django_filters.CharFilter()
    kind = django_filters.CharFilter(field_name="unit_kind")

    class Meta:
        model = Campaign
        fields = ["framework", "period", "kind"]


class PublishedResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Published results (public). Filters: framework (code), period, kind (department / commune)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = PublishedResultSerializer
    filterset_class = ResultFilterSet

    def get_queryset(self):
        return (Campaign.objects.filter(status=Campaign.Status.PUBLISHED, official__isnull=False)
                .select_related("framework", "official").order_by("-period", "name"))


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Self-assessments the caller may see (their unit's, or the units they review)."""

    serializer_class = SubmissionSerializer

    def get_queryset(self):
        return (Submission.objects.restrict(self.request.user, "view").select_related("unit", "campaign")
                .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("indicator",
                                                                                            "submission__unit")))
                .order_by("pk"))


class AnswerViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """One answer. PATCH with the `version` you read: a stale version answers 409 and changes nothing."""

    serializer_class = AnswerSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Answer.objects.restrict(self.request.user, "view").select_related(
            "indicator", "submission__unit", "submission__campaign__framework")

    @extend_schema(responses={200: AnswerSerializer, 409: None})
    def partial_update(self, request, *args, **kwargs):
        answer = self.get_object()
        if "version" not in request.data:
            raise ValidationError({"version": "required / bắt buộc"})
        fields = {k: request.data[k] for k in ("state", "value", "numerator", "denominator", "choice", "na_reason",
                                               "comment") if k in request.data}
        try:
            answer = actions.save_answer(acting_user=request.user, answer=answer,
                                         expected_version=int(request.data["version"]), **fields)
        except actions.NotAllowed:
            raise NotFound from None
        except actions.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except (actions.ActionError, ValueError) as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(AnswerSerializer(answer).data)
