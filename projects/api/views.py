"""The project pipeline, read-only: what the token's user may see of it."""

from django.db.models import Prefetch

from gmr_thuis.api.base import ScopedReadOnlyViewSet
from projects.api.filters import ProjectFilter
from projects.api.serializers import ProjectSerializer
from projects.models import Project, ProjectTargetGroup


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
