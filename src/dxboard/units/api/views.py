from django.db.models import Prefetch
from rest_framework import permissions, viewsets

from ..filtersets import UnitFilterSet
from ..models import Unit, UnitSuccession
from .serializers import UnitDetailSerializer, UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units of the province, public. Filters: kind, parent (code), as_of (date), q (search, diacritics optional)."""

    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = UnitFilterSet

    def get_queryset(self):
        queryset = Unit.objects.select_related("parent").order_by("code")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("predecessions", queryset=UnitSuccession.objects.prefetch_related("predecessors")),
                Prefetch("successions", queryset=UnitSuccession.objects.select_related("successor")),
            )
        return queryset

    def get_serializer_class(self):
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer
