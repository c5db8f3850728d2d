from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import figures
from ..actions import visible_reports
from ..filtersets import ReportFilterSet
from .serializers import ReportSerializer


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Citizen reports the caller may see (the intake office: all; a unit: those routed to it), with the
    filters of the queue page."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet

    def get_queryset(self):
        return visible_reports(self.request.user).select_related("category", "commune", "unit").order_by("pk")


class FiguresView(APIView):
    """Handling figures per unit and per category (the same as on the public page)."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        table = figures.table(now=timezone.now())
        return Response({
            "units": [{"unit": u.code, **f.as_dict()} for u, f in table["units"]],
            "categories": [{"category": c.code, **f.as_dict()} for c, f in table["categories"]],
            "total": table["total"].as_dict(),
        })
