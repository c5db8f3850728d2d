import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dxboard.accounts.permissions import is_admin

from .. import actions, portfolio
from ..filtersets import ReviewFilterSet, SystemFilterSet
from ..models import Link, Review, ReviewCampaign, System
from .serializers import LinkSerializer, ReviewCampaignSerializer, ReviewSerializer, SystemSerializer, UsageSerializer


class SystemViewSet(viewsets.ReadOnlyModelViewSet):
    """IT systems and projects the caller may see (their units' systems; everything for the standing
    office and leaders). Filters as on the registry page."""

    serializer_class = SystemSerializer
    filterset_class = SystemFilterSet

    def get_queryset(self):
        return (System.objects.restrict(self.request.user, "view").select_related("owner", "operator", "origin")
                .prefetch_related("datasets").order_by("pk"))

    @extend_schema(request=UsageSerializer, responses={200: SystemSerializer})
    @action(detail=True, methods=["patch"])
    def usage(self, request, pk=None):
        """Report usage figures (the owner or the operator unit)."""
        system = self.get_object()
        if not System.objects.restrict(request.user, "usage").filter(pk=system.pk).exists():
            raise NotFound
        data = UsageSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        system = actions.report_usage(acting_user=request.user, system=system, **data.validated_data)
        return Response(SystemSerializer(system).data)


class LinkViewSet(viewsets.ReadOnlyModelViewSet):
    """Data links sent by the systems the caller may see."""

    serializer_class = LinkSerializer

    def get_queryset(self):
        return Link.objects.restrict(self.request.user, "view").select_related("source", "target").order_by("pk")


class ReviewCampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReviewCampaignSerializer
    queryset = ReviewCampaign.objects.order_by("-year")


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                    viewsets.GenericViewSet):
    """Reviews of the systems the caller may see. PATCH (standing office only) saves scores, findings,
    verdict and follow-up; `complete: true` completes the review."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return (Review.objects.restrict(self.request.user, "view")
                .select_related("campaign", "system", "merge_with").order_by("pk"))

    def partial_update(self, request, *args, **kwargs):
        review = self.get_object()
        if not is_admin(request.user):
            raise NotFound
        data = ReviewSerializer(review, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        complete = fields.pop("complete", False)
        try:
            review = actions.save_review(acting_user=request.user, review=review, complete=complete, **fields)
        except actions.ActionError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(ReviewSerializer(review).data)


class PortfolioView(APIView):
    """Portfolio coverage figures and totals over the systems the caller may see."""

    @extend_schema(responses={200: inline_serializer("ItPortfolio", {
        "as_of": serializers.DateField(), "totals": serializers.DictField(), "coverage": serializers.DictField(),
        "overdue": serializers.ListField(child=serializers.CharField())})})
    def get(self, request):
        as_of = timezone.localdate()
        if request.query_params.get("as_of"):
            try:
                as_of = datetime.date.fromisoformat(request.query_params["as_of"])
            except ValueError:
                raise ValidationError({"as_of": "YYYY-MM-DD"}) from None
        summary = portfolio.summary(System.objects.restrict(request.user, "view"), as_of)
        totals = {k: (float(v) if k != "count" else v) for k, v in summary["totals"].items()}
        return Response({"as_of": as_of, "totals": totals, "coverage": summary["coverage"],
                         "overdue": [s.code for s in summary["overdue"]]})
