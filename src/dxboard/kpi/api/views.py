"""KPI API: the push endpoint of the source systems and the public series.

- `POST /api/v1/kpi/observations/` (source token): `{"observations": [{metric, unit, period, numerator,
  denominator}, ...]}`; all or nothing; 400 with the row errors, 403 when a row names a metric the
  source may not write; idempotent upsert on (metric, unit, period, source); 409 when another batch
  wrote the same keys at the same moment (nothing stored: send it again). Each source keeps its row;
  readers count the preferred source's (priority.py), `is_preferred` in the list below.
- `GET /api/v1/kpi/series/?metric=&unit=&from=&to=`: a unit's series (or the province roll-up without
  `unit`), public for published metrics; another unit's series is 404 for a person who may not see it.
"""

from django.db import IntegrityError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dxboard.accounts.authentication import ApiTokenAuthentication
from dxboard.accounts.permissions import can
from dxboard.units.models import Unit

from .. import actions, periods, rollup
from ..filtersets import ObservationFilterSet
from ..models import Metric, Observation, SourceSystem
from . import schema  # noqa: F401 — registers the OpenAPI description of the source token
from .auth import SourceTokenAuthentication

MAX_BATCH = 20000


class ObservationInSerializer(serializers.Serializer):
    metric = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    numerator = serializers.FloatField()
    denominator = serializers.FloatField(required=False, allow_null=True)


class BatchSerializer(serializers.Serializer):
    observations = ObservationInSerializer(many=True)


class ObservationOutSerializer(serializers.ModelSerializer):
    metric = serializers.CharField(source="metric.code")
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = Observation
        fields = ["id", "metric", "unit", "period", "period_start", "period_end", "numerator", "denominator",
                  "value", "source", "is_current", "is_preferred", "superseded_by", "created"]


class IsSourceOrPerson:
    """POST: a source system's token. GET: a signed-in person (rows restricted to their units)."""

    def has_permission(self, request, view):
        if request.method == "POST":
            return isinstance(request.auth, SourceSystem)
        return request.method in ("GET", "HEAD", "OPTIONS") and bool(
            request.user and getattr(request.user, "is_authenticated", False)
            and not isinstance(request.user, SourceSystem))

    def has_object_permission(self, request, view, obj):
        return True


class PushView(generics.ListAPIView):
    """GET: observations the person may see (FilterSet shared with the history page). POST: a source
    system's batch."""

    authentication_classes = [SourceTokenAuthentication, ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsSourceOrPerson]
    serializer_class = ObservationOutSerializer
    filterset_class = ObservationFilterSet
    pagination_class = LimitOffsetPagination

    def get_queryset(self):
        return Observation.objects.restrict(self.request.user, "view").select_related("metric", "unit") \
            .order_by("metric__code", "unit__code", "period_start", "-pk")

    @extend_schema(request=BatchSerializer, responses={200: dict}, summary="Push a batch of observations")
    def post(self, request):
        rows = request.data.get("observations") if isinstance(request.data, dict) else request.data
        if not isinstance(rows, list) or not rows:
            raise ValidationError({"observations": "a non-empty list is required"})
        if len(rows) > MAX_BATCH:
            raise ValidationError({"observations": f"at most {MAX_BATCH} per batch"})
        if not all(isinstance(r, dict) for r in rows):
            raise ValidationError({"observations": "each observation is an object"})
        system = request.auth
        try:
            counts = actions.store_observations(acting_user=None, rows=rows, source=system.code, source_system=system)
        except actions.BatchErrors as exc:
            allowed = set(system.metrics.values_list("code", flat=True))
            forbidden = sorted({str(r.get("metric", "")) for r in rows} - allowed)
            body = {"stored": 0, "errors": [{"row": n, "error": m} for n, m, _field in exc.errors[:500]]}
            if forbidden:
                body["forbidden_metrics"] = forbidden
                return Response(body, status=status.HTTP_403_FORBIDDEN)
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        except actions.NotAllowed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except IntegrityError:  # another batch wrote the same keys at the same moment: nothing was stored
            return Response({"stored": 0, "detail": "concurrent write of the same observations; send the batch again"},
                            status=status.HTTP_409_CONFLICT)
        return Response(counts)


def _point(start, period, figure, target=None):
    return {"period": period, "period_start": start.isoformat(), "numerator": figure.numerator,
            "denominator": figure.denominator, "value": figure.value, "units": figure.count}


class SeriesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("metric", str, required=True), OpenApiParameter("unit", str),
                               OpenApiParameter("from", str, description="period key or date"),
                               OpenApiParameter("to", str)], responses={200: dict},
                   summary="A metric's series for a unit, or the province roll-up")
    def get(self, request):
        user = request.user
        metric = Metric.objects.filter(code=request.query_params.get("metric", "")).first()
        if metric is None or (not metric.is_published and not user.is_authenticated):
            raise NotFound
        start = _bound(request.query_params.get("from"), first=True)
        end = _bound(request.query_params.get("to"), first=False)
        code = request.query_params.get("unit")
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise NotFound
            if not metric.is_published and not can(user, "view", unit, Observation):
                raise NotFound  # published figures are public; the others, to those who may see the unit
            qs = rollup.counted(metric, start, end).filter(unit=unit).order_by("period_start")
            points = [{"period": o.period, "period_start": o.period_start.isoformat(), "numerator": o.numerator,
                       "denominator": o.denominator, "value": o.value, "source": o.source} for o in qs]
        else:
            series = rollup.series(metric, start, end)
            keys = dict(rollup.counted(metric, start, end).values_list("period_start", "period").distinct())
            points = [_point(s, keys.get(s, ""), f) for s, f in series.items()]
        return Response({"metric": metric.code, "name": metric.name, "unit_label": metric.unit_label,
                         "is_rate": metric.is_rate, "kind": metric.kind, "unit": code or None,
                         "points": points})


def _bound(raw, *, first: bool):
    import datetime

    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        _f, start, end = periods.parse(raw)
    except ValueError as exc:
        raise ValidationError({"from" if first else "to": "a date or a period key"}) from exc
    return start if first else end
