"""The API router under /api/v1/, with the OpenAPI schema and the offline Swagger UI."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from allocation.api.views import TargetViewSet
from mediation.api.views import MediationOfferViewSet
from monitoring.api.views import (
    AllocationReportViewSet,
    LocalAgreementViewSet,
    NeighbourhoodConcentrationViewSet,
    RealisationSummaryViewSet,
)
from municipalities.api.views import MunicipalityViewSet, NeighbourhoodViewSet, TargetGroupViewSet
from negotiation.api.views import BuildingBlockViewSet, NegotiationSessionViewSet
from projects.api.views import OlderPeopleViewSet, ProjectViewSet

router = SimpleRouter()
router.register("municipalities", MunicipalityViewSet, basename="api-municipality")
router.register("target-groups", TargetGroupViewSet, basename="api-target-group")
router.register("neighbourhoods", NeighbourhoodViewSet, basename="api-neighbourhood")
router.register(
    "neighbourhood-concentration",
    NeighbourhoodConcentrationViewSet,
    basename="api-neighbourhood-concentration",
)
router.register("targets", TargetViewSet, basename="api-target")
router.register("agreements", LocalAgreementViewSet, basename="api-agreement")
router.register("realisation", RealisationSummaryViewSet, basename="api-realisation")
router.register("allocations", AllocationReportViewSet, basename="api-allocation")
router.register(
    "negotiation-sessions", NegotiationSessionViewSet, basename="api-negotiation-session"
)
router.register("building-blocks", BuildingBlockViewSet, basename="api-building-block")
router.register("projects", ProjectViewSet, basename="api-project")
router.register("older-people", OlderPeopleViewSet, basename="api-older-people")
router.register("mediation-offers", MediationOfferViewSet, basename="api-mediation-offer")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[]), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own, not inline, so
    # the docs work under the Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", authentication_classes=[]),
        name="api-docs",
    ),
    *router.urls,
]
