from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from .. import actions
from ..filtersets import TaskFilterSet
from ..models import CompletionDeclaration, ExtensionRequest, Task
from .serializers import (
    DecideInputSerializer,
    DeclareInputSerializer,
    ExtensionInputSerializer,
    ExtensionSerializer,
    ProgressInputSerializer,
    ProgressReportSerializer,
    TaskSerializer,
)


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except actions.NotAllowed:
        raise NotFound from None
    except (actions.ActionError, ValueError) as exc:
        raise ValidationError({"detail": str(exc)}) from exc


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"  # a non-numeric id is a 404 from the router, not a 500
    """Tasks the caller may see (their unit leads or coordinates; everything for the standing office and
    leaders). Filters: unit (lead unit code), plan (id), status, due_before, due_after (dates), q.
    Overdue first."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet

    def get_queryset(self):
        return (Task.objects.restrict(self.request.user, "view").countable().with_status(timezone.localdate())
                .select_related("plan", "lead_unit").prefetch_related("coordinating_units")
                .order_by("status_rank", "effective_deadline", "pk"))

    def _task(self, pk):
        task = self.get_queryset().filter(pk=pk).first()
        if task is None:
            raise NotFound
        return task

    @extend_schema(request=ProgressInputSerializer, responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task = self._task(pk)  # another unit's task is a 404 whatever the body: its existence is not told
        data = ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = _call(actions.report_progress, acting_user=request.user, task=task, **data.validated_data)
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionInputSerializer, responses={201: ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        task = self._task(pk)
        data = ExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ext = _call(actions.request_extension, acting_user=request.user, task=task, **data.validated_data)
        return Response(ExtensionSerializer(ext).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DeclareInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        task = self._task(pk)
        data = DeclareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decl = _call(actions.declare_completion, acting_user=request.user, task=task,
                     **data.validated_data)
        return Response({"id": decl.pk, "status": decl.status}, status=status.HTTP_201_CREATED)


class ExtensionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"  # a non-numeric id is a 404 from the router, not a 500
    serializer_class = ExtensionSerializer

    def get_queryset(self):
        return ExtensionRequest.objects.restrict(self.request.user, "view").order_by("-pk")

    @extend_schema(request=DecideInputSerializer, responses={200: ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        extension = self.get_object()
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ext = _call(actions.decide_extension, acting_user=request.user, extension=extension,
                    approve=data.validated_data["approve"], note=data.validated_data.get("note", ""))
        return Response(ExtensionSerializer(ext).data)


class DeclarationViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = DecideInputSerializer  # for OPTIONS and the schema; the response is {id, status}
    def get_queryset(self):
        return CompletionDeclaration.objects.restrict(self.request.user, "view")

    @extend_schema(request=DecideInputSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        declaration = self.get_object()
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decl = _call(actions.decide_completion, acting_user=request.user, declaration=declaration,
                     confirm=data.validated_data["approve"], note=data.validated_data.get("note", ""))
        return Response({"id": decl.pk, "status": decl.status})
