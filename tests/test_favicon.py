"""Every page names its icon, so the browser does not ask for /favicon.ico (a 404 and a
console error on every page)."""

import re

from django.contrib.staticfiles import finders


def test_pages_link_an_icon_that_exists(client):
    page = client.get("/login/").content.decode()

    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
    assert icon, "no <link rel=icon> in the page head"
    assert finders.find(icon.group(1))
