"""Guarded calibration transitions: a session closes once (and tells its participants once), and a score sent with a
session loaded before it closed is refused. The same races fired at once against a real server: tests/concurrency."""

import pytest

from qadesk.calibration.models import CalibrationItem, CalibrationScore, CalibrationSession, SessionStatus
from qadesk.calibration.services import calibration_score_submit, calibration_session_close
from qadesk.calibration.tests.helpers import top_ratings
from qadesk.core.errors import Conflict
from qadesk.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_session_closed_twice_closes_once_and_tells_its_participants_once(session, qa_lead, reviewer) -> None:
    other_tab = CalibrationSession.objects.get(pk=session.pk)
    calibration_session_close(session=session, actor=qa_lead, note="Done.")
    with pytest.raises(Conflict, match="already closed") as refused:
        calibration_session_close(session=other_tab, actor=qa_lead, note="Overwritten?")
    assert refused.value.status_code == 409
    assert CalibrationSession.objects.get(pk=session.pk).note == "Done."
    assert Notification.objects.filter(recipient=reviewer, kind="calibration_results").count() == 1


def test_a_score_sent_as_the_session_closed_is_refused(session, qa_lead, reviewer, default_scorecard) -> None:
    item = CalibrationItem.objects.select_related("session").filter(session=session).first()  # loaded while open
    calibration_session_close(session=session, actor=qa_lead)
    with pytest.raises(Conflict, match="closed"):
        calibration_score_submit(item=item, actor=reviewer, ratings=top_ratings(default_scorecard))
    assert item.session.status == SessionStatus.CLOSED  # re-read under the lock, not trusted
    assert not CalibrationScore.objects.exists()
