"""The project pipeline and the older people's task, read-only: what the token's user may see."""

from django.db.models import Prefetch
from django.http import Http404
from rest_framework.response import Response

from gmr_thuis.api.base import ScopedReadOnlyViewSet
from gmr_thuis.permissions import membership_of
from municipalities.models import Municipality
from projects.api.filters import ProjectFilter
from projects.api.serializers import OlderPeopleSerializer, ProjectSerializer
from projects.models import Project, ProjectTargetGroup
from projects.older_people import older_people_task


class ProjectViewSet(ScopedReadOnlyViewSet):
    """Housing projects with their homes per segment and suitability, target groups, phase
    and phase history."""

    queryset = Project.objects.select_related("municipality", "corporation").prefetch_related(
        Prefetch("earmarks", queryset=ProjectTargetGroup.objects.select_related("target_group")),
        "steps",
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["expected_delivery_year", "homes_total", "updated_at"]
    ordering = ["municipality__cbs_code", "expected_delivery_year", "id"]


class OlderPeopleViewSet(ScopedReadOnlyViewSet):
    """Per municipality the inhabitants aged 75+ and 85+, the need for zero-step homes,
    clustered homes and nursing-care places, the stock, the pipeline and the gap."""

    queryset = Municipality.objects.all()
    serializer_class = OlderPeopleSerializer
    lookup_field = "cbs_code"
    filter_backends = []
    ordering = ["cbs_code"]

    def _rows(self, municipalities):
        member = membership_of(self.request.user)
        if member is None:
            return []
        rows = {
            r.municipality.pk: r
            for r in older_people_task(user=self.request.user, region=member.region)
        }
        return [rows[m.pk] for m in municipalities if m.pk in rows]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset().order_by("cbs_code"))
        return self.get_paginated_response(self.get_serializer(self._rows(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        rows = self._rows([self.get_object()])
        if not rows:
            raise Http404
        return Response(self.get_serializer(rows[0]).data)
