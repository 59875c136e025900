"""The interactive API documentation at /api/v1/docs: for signed-in users only, and complete without internet (Swagger
UI from qadesk's own static files, under the Content-Security-Policy)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import Client

from qadesk.accounts.models import User
from qadesk.testing.factories import PASSWORD


def test_the_api_documentation_asks_for_a_login(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/api/v1/docs")


def test_the_api_documentation_loads_nothing_from_another_host(qa_lead: User) -> None:
    client = Client()
    client.force_login(qa_lead)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert [a for a in assets if urlsplit(a).netloc] == []  # no CDN, no favicon from django-ninja.dev
    for asset in assets:  # each one is one of the app's static files
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "<script>" not in html  # no inline script: the strict policy would block it


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_documentation_renders_every_router_offline(browser: Any, live_server: Any, qa_lead: User) -> None:
    connections.close_all()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    elsewhere: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: urlsplit(r.url).netloc != urlsplit(live_server.url).netloc and elsewhere.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(f"{live_server.url}/login/?next=/api/v1/docs")
    page.fill("#id_username", qa_lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert {"interactions", "reviews", "disputes", "reports"} <= {t.split()[0].lower() for t in tags if t}
    assert elsewhere == []
    assert problems == []
    context.close()


def test_the_openapi_document_itself_stays_public(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/reviews" in response.json()["paths"]
