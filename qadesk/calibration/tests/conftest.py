"""Calibration fixtures: a second reviewer, an expert, and a blind session over two interactions."""

import pytest

from qadesk.accounts.models import Role
from qadesk.calibration.tests.helpers import open_session
from qadesk.testing import factories as f


@pytest.fixture
def reviewer2(db):
    return f.make_user("gina", Role.REVIEWER)


@pytest.fixture
def expert(db):
    return f.make_user("ines", Role.REVIEWER)


@pytest.fixture
def items_interactions(interaction, other_interaction):
    return [interaction, other_interaction]


@pytest.fixture
def session(qa_lead, default_scorecard, items_interactions, reviewer, reviewer2, expert):
    return open_session(qa_lead, default_scorecard, items_interactions, [reviewer, reviewer2], benchmark_reviewer=expert)
