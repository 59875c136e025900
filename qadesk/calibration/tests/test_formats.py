"""The results page names people and reads ratings as their scale does: "Ines Bianchi: Sì", never "ines: 1"."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from qadesk.calibration.tests.test_exports import half_scored  # noqa: F401  # the fixture
from qadesk.testing.clients import page_client

pytestmark = pytest.mark.django_db


def test_the_ratings_given_read_as_words_by_name(half_scored, qa_lead) -> None:  # noqa: F811
    qa_lead.language = "it"
    qa_lead.save()
    html = page_client(qa_lead).get(f"/calibration/{half_scored.pk}/results/").content.decode()
    with translation.override("it"):
        yes = gettext("Yes")
    assert f'<span class="badge" data-given>Ines Bianchi: {yes}</span>' in html
    assert "ines: 1" not in html and "Ines Bianchi: 1<" not in html
    assert ">Ines Bianchi</a>" in html  # the reviewers table names the person too
