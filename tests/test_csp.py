"""The Content-Security-Policy: on every page, scripts only from our own origin and never inline,
no framing; and no template of the project carries an inline script or event handler."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
# An inline script (a <script> without src that is not JSON data), an on...= handler, a
# javascript: link or an htmx hx-on attribute: all would be blocked under the policy.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
HX_ON = re.compile(r"\shx-on", re.I)


def _directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "url", ["/login/", "/admin/login/", "/api/v1/docs/", "/", "/monitoring/", "/dashboard/"]
)
def test_every_page_has_a_strict_policy(client, owner, url):
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_api_docs_load_their_start_up_script_from_a_file(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_no_template_has_inline_scripts_or_event_handlers():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = template.read_text()
            for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL, HX_ON):
                found += [
                    f"{template.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)
                ]
    assert found == []
