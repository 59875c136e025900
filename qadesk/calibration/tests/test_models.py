"""Who sees which calibration session."""

import pytest

from qadesk.calibration.models import CalibrationSession

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["qa_lead", "manager", "admin_user", "reviewer", "reviewer2", "expert"])
def test_it_shows_a_session_to_leads_managers_and_its_participants(request, session, persona) -> None:
    assert list(CalibrationSession.objects.visible_to(request.getfixturevalue(persona))) == [session]


@pytest.mark.parametrize("persona", ["agent_user", "team_lead", "other_team_agent_user"])
def test_it_hides_a_session_from_everyone_else(request, session, persona) -> None:
    assert not CalibrationSession.objects.visible_to(request.getfixturevalue(persona)).exists()


def test_it_hides_a_session_from_a_reviewer_not_taking_part(session) -> None:
    from qadesk.accounts.models import Role
    from qadesk.testing import factories as f

    assert not CalibrationSession.objects.visible_to(f.make_user("outsider", Role.REVIEWER)).exists()


def test_it_hides_everything_from_the_anonymous(session) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not CalibrationSession.objects.visible_to(AnonymousUser()).exists()
