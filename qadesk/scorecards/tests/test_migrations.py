"""Data migrations of scorecards: existing criteria get the level of measurement their scale implies."""

import pytest

from qadesk.scorecards.models import Criterion


@pytest.mark.django_db(transaction=True)
def test_it_gives_existing_criteria_the_default_level_of_their_scale() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("scorecards", "0001_initial")])
    apps = executor.loader.project_state([("scorecards", "0001_initial")]).apps
    scorecard = apps.get_model("scorecards", "Scorecard").objects.create(code="old", name={"en": "Old"})
    version = apps.get_model("scorecards", "ScorecardVersion").objects.create(scorecard=scorecard, number=1)
    section = apps.get_model("scorecards", "Section").objects.create(version=version, code="s", title={}, position=0)
    for position, scale in enumerate(("binary", "three", "five", "ten")):
        apps.get_model("scorecards", "Criterion").objects.create(
            section=section, code=scale, title={}, position=position, scale=scale
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app: going back unapplied their later migrations too
    levels = dict(Criterion.objects.filter(section__version__scorecard__code="old").values_list("code", "level"))
    assert levels == {"binary": "nominal", "three": "ordinal", "five": "ordinal", "ten": "ordinal"}
