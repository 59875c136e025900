"""The admin site: organisation data is editable there, the audit trail is not."""

import pytest

from qadesk.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "accounts/user/",
        "accounts/team/",
        "accounts/site/",
        "accounts/agent/",
        "accounts/orgsettings/",
        "interactions/interaction/",
        "interactions/label/",
        "interactions/sop/",
        "scorecards/scorecard/",
        "audit/auditevent/",
        "notifications/notification/",
        "notifications/notification/?email=failed",
    ],
)
def test_admin_lists_render(client, admin_user, interaction, default_scorecard, path) -> None:
    client.force_login(admin_user)
    assert client.get(f"/admin/{path}").status_code == 200


def test_the_audit_trail_cannot_be_changed_in_the_admin(client, admin_user) -> None:
    event = audit_record(actor=admin_user, action="reopen")
    client.force_login(admin_user)
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200  # view only
