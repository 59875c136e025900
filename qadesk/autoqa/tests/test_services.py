"""The job: results stored once per interaction and detector version, restart where it stopped, the import hook."""

from __future__ import annotations

import pytest

from qadesk.autoqa import services
from qadesk.autoqa.engine import detectors
from qadesk.autoqa.models import AutoCheck, AutoResult
from qadesk.autoqa.services import autoqa_after_import, autoqa_due, autoqa_run
from qadesk.core.models import JobRun
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction, Message
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

RUDE = [("customer", "Il pacco è rotto, è inaccettabile!"), ("agent", "Non è un mio problema, si arrangi.")]


def test_it_stores_one_result_per_detector_with_evidence(agent) -> None:
    interaction = f.make_interaction(agent, messages=RUDE, language="it")
    job = autoqa_run()
    assert job.status == "succeeded" and job.counts == {"due": 1, "checked": 1} and job.progress == 100
    results = {r.detector: r for r in AutoResult.objects.filter(interaction=interaction)}
    assert set(results) == {d.code for d in detectors()}
    rude = results["rude"]
    assert rude.verdict == "fail" and rude.impact == "high" and rude.language == "it"
    body = Message.objects.get(pk=rude.evidence[0]["message"]).body
    assert body[rude.evidence[0]["start"] : rude.evidence[0]["end"]] == "Non è un mio problema"
    assert results["greeting"].impact == ""  # impact only on a fail that is an error


def test_it_never_checks_the_same_transcript_twice_with_the_same_versions(agent, django_assert_max_num_queries) -> None:
    f.make_interaction(agent, messages=RUDE)
    autoqa_run()
    stored = list(AutoResult.objects.values_list("pk", "created_at"))
    second = autoqa_run()
    assert second.counts == {"due": 0, "checked": 0}
    assert list(AutoResult.objects.values_list("pk", "created_at")) == stored


def test_a_transcript_that_changed_is_checked_again_in_place(agent) -> None:
    interaction = f.make_interaction(agent, messages=RUDE)
    autoqa_run()
    count = AutoResult.objects.count()
    Interaction.objects.filter(pk=interaction.pk).update(transcript_hash="grown")
    assert autoqa_run().counts == {"due": 1, "checked": 1}
    assert AutoResult.objects.count() == count  # updated, not duplicated
    assert AutoCheck.objects.get(interaction=interaction).transcript_hash == "grown"


def test_a_new_detector_version_makes_every_interaction_due_again(agent, monkeypatch) -> None:
    f.make_interaction(agent, messages=RUDE)
    autoqa_run()
    from dataclasses import replace

    bumped = [replace(d, version=2) if d.code == "greeting" else d for d in detectors()]
    monkeypatch.setattr(services, "detectors", lambda: bumped)
    assert autoqa_run().counts["checked"] == 1
    assert sorted(AutoResult.objects.filter(detector="greeting").values_list("version", flat=True)) == [1, 2]


def test_a_run_that_stopped_midway_restarts_where_it_stopped(agent, monkeypatch) -> None:
    for _ in range(5):
        f.make_interaction(agent, messages=RUDE)
    real = services.autoqa_check_batch
    calls = {"n": 0}

    def dies_on_the_third_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "autoqa_check_batch", dies_on_the_third_batch)
    with pytest.raises(RuntimeError):
        autoqa_run(batch_size=2)
    assert JobRun.objects.get().status == "failed"
    assert AutoCheck.objects.count() == 4  # two batches committed
    monkeypatch.setattr(services, "autoqa_check_batch", real)
    again = autoqa_run(batch_size=2)
    assert again.counts == {"due": 1, "checked": 1}
    assert AutoCheck.objects.count() == 5
    assert not autoqa_due(Interaction.objects.all()).exists()


def test_a_run_can_be_limited_to_one_interaction(agent) -> None:
    one = f.make_interaction(agent, messages=RUDE)
    f.make_interaction(agent, messages=RUDE)
    assert autoqa_run(params={"interaction": str(one.pk)}).counts == {"due": 1, "checked": 1}
    assert list(AutoCheck.objects.values_list("interaction_id", flat=True)) == [one.pk]


def test_an_import_queues_one_run_and_not_another_while_it_waits(agent) -> None:
    record = {
        "external_id": "AQ-1", "source": "t", "channel": "chat", "language": "en", "created_at": "2026-11-02T09:00:00Z",
        "messages": [{"author": "customer", "body": "Hello"}, {"author": "agent", "body": "Hi, how can I help?"}],
    }  # fmt: skip
    interactions_import(rows=[(1, record)])
    job = JobRun.objects.get(kind="autoqa")
    assert job.status == "queued" and job.task_path.endswith("run_autoqa") and job.params == {"trigger": "import"}
    interactions_import(rows=[(1, {**record, "external_id": "AQ-2"})])
    assert JobRun.objects.filter(kind="autoqa").count() == 1
    interactions_import(rows=[(1, record)])  # unchanged: nothing to queue
    assert JobRun.objects.filter(kind="autoqa").count() == 1


def test_the_import_hook_can_be_turned_off(settings) -> None:
    settings.QADESK_AUTOQA_AFTER_IMPORT = False
    assert autoqa_after_import() is None
    assert not JobRun.objects.exists()


def test_the_task_runs_the_job_it_is_given(agent) -> None:
    from qadesk.autoqa.tasks import run_autoqa

    f.make_interaction(agent, messages=RUDE)
    job = JobRun.objects.create(kind="autoqa", params={})
    assert run_autoqa.call(job.pk) == 1
    job.refresh_from_db()
    assert job.status == "succeeded"
