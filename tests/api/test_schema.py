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
    assert "/api/v1/mediation-offers/{id}/withdraw/:" in text


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


def api_schema_document():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_its_errors_in_the_one_error_format():
    document = api_schema_document()
    assert document["components"]["schemas"]["Error"]["properties"]["errors"]["type"] == "array"
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) == 26
    for path, method, operation in operations:
        expected = {"400", "401", "404", "406", "429", "503"}
        if method == "post":
            expected |= {"403", "413", "415"}
        responses = operation["responses"]
        assert expected <= set(responses), (method, path)
        for code in expected:
            body = responses[code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)
        for code in {"429", "503"}:
            assert responses[code]["headers"]["Retry-After"]["required"] is True


def test_the_report_endpoint_documents_its_idempotency_conflict():
    responses = api_schema_document()["paths"]["/api/v1/allocations/"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(responses)


def test_the_schema_states_the_paging_and_period_bounds():
    parameters = {
        p["name"]: p["schema"]
        for p in api_schema_document()["paths"]["/api/v1/targets/"]["get"]["parameters"]
    }
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["page"]["minimum"] == 1
    assert parameters["period"]["pattern"] == r"^(20\d\d|2100)-(20\d\d|2100)$"


@pytest.mark.parametrize(
    "prefix",
    [
        "/api/v1/negotiation-sessions/",
        "/api/v1/building-blocks/",
        "/api/v1/neighbourhoods/",
        "/api/v1/neighbourhood-concentration/",
    ],
)
def test_read_only_endpoints_are_in_the_schema_with_get_only(prefix):
    paths = {
        path: operations
        for path, operations in api_schema_document()["paths"].items()
        if path.startswith(prefix)
    }
    assert paths, f"{prefix} is missing from the OpenAPI schema"
    for path, operations in paths.items():
        methods = set(operations) - {"parameters"}
        assert methods == {"get"}, f"{path} offers {sorted(methods)}"
