"""The API's request bounds: body size (413), nesting depth, NaN/Infinity and unstorable text (400)."""

import json

import pytest

ALLOCATIONS = "/api/v1/allocations/"


@pytest.fixture
def writer(api_as, corp_owner, groups):
    return api_as(corp_owner)


def report(**changes):
    return {
        "municipality": "GM0293",
        "target_group": "statushouders",
        "date": "2026-01-05",
        "count": 1,
        **changes,
    }


def post(client, body, **extra):
    return client.post(ALLOCATIONS, body, content_type="application/json", **extra)


def only_error(response):
    [error] = response.json()["errors"]
    return error


def test_a_valid_report_still_passes(writer):
    assert post(writer, json.dumps(report())).status_code == 201


def test_a_body_over_the_limit_is_413_in_the_error_format(writer, settings):
    settings.GMR_API_MAX_BODY_BYTES = 1000
    body = json.dumps(report(reference="x" * 2000))
    response = post(writer, body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    error = only_error(response)
    assert error["code"] == "request_too_large"
    assert "1000" in error["message"]


def test_the_default_limit_refuses_a_megabyte(writer):
    response = post(writer, json.dumps(report(reference="x" * 1_000_000)))
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(writer, settings):
    body = json.dumps(report())
    settings.GMR_API_MAX_BODY_BYTES = len(body.encode())
    assert post(writer, body).status_code == 201


def test_a_body_longer_than_its_content_length_says_is_read_only_to_the_limit(writer, settings):
    # A lying or absent Content-Length must not let a body past the limit.
    from gmr_thuis.api.parsers import RequestBodyTooLarge, read_bounded

    class Endless:
        def __init__(self):
            self.asked = []

        def read(self, size):
            self.asked.append(size)
            return b"[" * size

    stream = Endless()
    with pytest.raises(RequestBodyTooLarge):
        read_bounded(stream, None, 100)
    assert stream.asked == [101]


def test_5000_deep_nesting_is_a_400_not_a_recursion_error(writer):
    response = post(writer, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400
    assert "genest" in only_error(response)["message"]


def test_nesting_past_the_bound_is_refused_and_within_it_read(writer, settings):
    settings.GMR_API_MAX_DEPTH = 32
    deep = {"municipality": "GM0293"}
    for _ in range(31):  # 32 levels: the report object and 31 wrappers
        deep = {"x": deep}
    too_deep = {"x": deep}
    # Within the bound the body is parsed (and refused by the serializer for its fields).
    assert "genest" not in json.dumps(post(writer, json.dumps(deep)).json())
    response = post(writer, json.dumps(too_deep))
    assert response.status_code == 400
    assert "32" in only_error(response)["message"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(writer, constant):
    body = json.dumps(report()).replace('"count": 1', f'"count": {constant}')
    response = post(writer, body)
    assert response.status_code == 400
    assert "NaN" in only_error(response)["message"]


def test_malformed_json_names_line_and_column_in_english_on_request(writer):
    response = post(writer, '{"count": }', HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert only_error(response)["message"] == "Invalid JSON at line 1, column 11."


@pytest.mark.parametrize("text", ["GM\u00000293", "\udb66"])
def test_nul_and_lone_surrogates_are_refused_before_the_database(writer, text):
    body = json.dumps(report(municipality=text))  # json.dumps escapes both as \\u....
    response = post(writer, body)
    assert response.status_code == 400
    assert "NUL" in only_error(response)["message"]


def test_a_form_body_is_415(writer):
    response = writer.post(ALLOCATIONS, report(), format="multipart")
    assert response.status_code == 415
    assert "application/json" in only_error(response)["message"]
