"""Month names inside dates as each language writes them: "4 dic 2026" in Italian, never "4 Dic 2026"."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from qadesk.accounts.models import User
from qadesk.disputes.tests.test_exports import dispute  # noqa: F401  # the fixture
from qadesk.testing.clients import page_client

DAY = date(2026, 12, 4)


@pytest.mark.parametrize(("language", "expected"), [("it", "4 dic 2026"), ("fr", "4 déc 2026"), ("en", "4 Dec 2026")])
def test_the_month_abbreviation_follows_the_languages_case(language: str, expected: str) -> None:
    with translation.override(language):
        assert Template('{{ day|date:"j M Y" }}').render(Context({"day": DAY})) == expected
        assert formats.date_format(DAY, "j M Y") == expected


@pytest.mark.django_db
def test_the_dispute_list_writes_italian_month_abbreviations_in_lower_case(dispute, qa_lead: User) -> None:  # noqa: F811
    qa_lead.language = "it"
    qa_lead.save()
    html = page_client(qa_lead).get("/disputes/").content.decode()
    opened = timezone.localtime(dispute.created_at)
    with translation.override("it"):
        month = formats.date_format(datetime(2026, opened.month, 1), "b")
    assert f"{opened.day} {month} {opened.year}" in html
    assert f"{opened.day} {month.title()} {opened.year}" not in html
