"""The OpenAPI schema, the offline docs, and the guarantees of the base viewset."""

import pytest
from django.core.management import call_command
from django.urls import get_resolver
from rest_framework.test import APIClient

from gmr_thuis.api.base import ScopedViewSet
from gmr_thuis.api.urls import router


def test_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ["targets", "agreements", "realisation", "allocations", "municipalities"]:
        assert f"/api/v1/{path}/:" in text
    assert "tokenAuth" in text


def test_schema_is_served_without_a_token(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_are_served_from_our_own_static_files(db):
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")


def test_every_endpoint_is_a_scoped_viewset():
    assert router.registry
    for prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, ScopedViewSet), prefix


def test_api_is_mounted_under_api_v1():
    assert get_resolver().resolve("/api/v1/targets/").url_name == "api-target-list"


def test_a_viewset_cannot_replace_the_scoped_queryset():
    with pytest.raises(TypeError, match="get_queryset"):

        class Unscoped(ScopedViewSet):
            def get_queryset(self):
                return []
