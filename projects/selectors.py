"""Reads of the project pipeline, always through `restrict`."""

from django.db.models import Count, Q, Sum

from gmr_thuis.permissions import CHANGE, VIEW, restrict
from municipalities.models import Municipality
from projects.models import Project


def project_list(*, user, municipality=None):
    projects = Project.objects.restrict(user, VIEW).select_related("municipality", "corporation")
    return projects.filter(municipality=municipality) if municipality is not None else projects


def project_earmarks(project) -> dict:
    """{target group code: earmarked homes or None} of a project."""
    return {
        e.target_group.code: e.earmarked_homes
        for e in project.earmarks.select_related("target_group")
    }


def municipality_pipeline(*, user):
    """Per visible municipality: projects, homes in the pipeline (not delivered) and delivered."""
    open_homes = Sum("projects__homes_total", filter=~Q(projects__phase="delivered"))
    delivered = Sum("projects__homes_total", filter=Q(projects__phase="delivered"))
    return (
        restrict(Municipality.objects.all(), user, VIEW)
        .annotate(
            project_count=Count("projects"), pipeline_homes=open_homes, delivered_homes=delivered
        )
        .order_by("name")
    )


def may_import_projects(user) -> bool:
    """Whoever may change some municipality's records may import its projects."""
    return restrict(Municipality.objects.all(), user, CHANGE).exists()
