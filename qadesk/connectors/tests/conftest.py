from __future__ import annotations

from collections.abc import Iterator

import pytest

from qadesk.connectors.models import Connector, Vendor
from qadesk.connectors.services import connector_save
from qadesk.connectors.tests.standin import StandIn, running
from qadesk.testing.factories import make_user


@pytest.fixture
def standin() -> Iterator[StandIn]:
    stand = StandIn()
    with running(stand) as server:
        stand.server = server  # type: ignore[attr-defined]
        yield stand


def make_connector(standin: StandIn, vendor: str, name: str | None = None, **extra: object) -> Connector:
    admin = make_user(role="admin")
    connector = Connector(name=name or vendor, vendor=vendor, base_url=standin.url, login="qa@acme.example", **extra)
    return connector_save(connector=connector, secret="s3cret-token", actor=admin)


__all__ = ["Vendor", "make_connector"]
