"""Training, storing and using the contact-reason classifier (services; the learning itself is autoqa/classifier.py).

The model learns from the organisation's labelled interactions (the newest MAX_EXAMPLES), leaving out labels with
fewer than the QA lead's minimum of examples. It is kept as a joblib file under the data directory
(`QADESK_DATA_DIR/autoqa/`), with a `ClassifierModel` row recording its SHA-256, the scikit-learn version that wrote
it and its cross-validated figures; it is loaded only when both match (classifier.load), and a model of another
scikit-learn version is retrained rather than trusted. The newest row is the model in use: it runs as the
`label_classifier` detector at version = its id, so a new model makes every interaction due again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.autoqa import classifier
from qadesk.autoqa.engine import SUPPORTED_LANGUAGES, Conversation, Detector, Finding
from qadesk.autoqa.models import AutoSettings, ClassifierModel
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.services import job_enqueue
from qadesk.interactions.models import Interaction
from qadesk.interactions.selectors import interaction_transcripts

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)

JOB_KIND = "autoqa_classifier"
DETECTOR = "label_classifier"
CRITERION = "right_label"  # the default scorecard's "right label" criterion: the accuracy page compares the two
MAX_EXAMPLES = 100_000
CHUNK = 2000


def model_dir() -> Path:
    return Path(settings.DATA_DIR) / "autoqa"


def _labelled() -> Any:
    """The labelled interactions it learns from: the newest MAX_EXAMPLES, by id."""
    newest = Interaction.objects.filter(label__isnull=False).order_by("-pk").values_list("pk", flat=True)[:MAX_EXAMPLES]
    return Interaction.objects.filter(pk__in=list(newest)).order_by("pk")


def training_digest(*, min_examples: int) -> tuple[str, list[tuple[int, str]]]:
    """A digest of what training would read (ids, labels, transcript digests, the minimum, the scikit-learn version),
    and the (id, label code) pairs: the weekly job skips retraining when nothing changed."""
    rows = list(_labelled().values_list("pk", "label__code", "transcript_hash"))
    text = f"{min_examples};{classifier.SKLEARN_VERSION};" + ";".join(f"{pk}:{label}:{digest}" for pk, label, digest in rows)
    return hashlib.sha256(text.encode()).hexdigest(), [(pk, label) for pk, label, _d in rows]


def transcript_texts(interaction_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """(id, text the classifier reads) of these interactions, CHUNK at a time."""
    for start in range(0, len(interaction_ids), CHUNK):
        chunk = list(interaction_ids[start : start + CHUNK])
        transcripts = interaction_transcripts(interaction_ids=chunk)
        for pk in chunk:
            rows = transcripts.get(pk, [])
            pairs = [(r["author_role"], strip_tags(r["body"]) if r["body_format"] == "html" else r["body"]) for r in rows]
            yield pk, classifier.transcript_text(pairs)


def classifier_train(*, job: JobRun | None = None, force: bool = True) -> ClassifierModel | None:
    """Train a model on the labelled interactions and make it the one in use; None when there is not enough to learn
    from (fewer than two labels with the minimum of examples), or, without `force`, when nothing changed since the
    current model and its scikit-learn version is this one."""
    job = job or JobRun.objects.create(kind=JOB_KIND, params={})
    job.start()
    minimum = max(AutoSettings.load().classifier_min_examples, classifier.FOLDS)
    digest, pairs = training_digest(min_examples=minimum)
    current = classifier_current()
    if not force and current is not None and current.data_digest == digest:
        job.finish(
            status=JobStatus.SUCCEEDED, counts={"examples": current.examples}, log=_("Nothing changed since the last training.")
        )
        return None
    kept, excluded = classifier.eligible([label for _pk, label in pairs], minimum=minimum)
    chosen = {pk: label for pk, label in pairs if label in kept}
    if len(kept) < 2:
        log = _("Not enough labelled interactions: at least two labels need {n} examples each.").format(n=minimum)
        job.finish(status=JobStatus.SUCCEEDED, counts={"examples": len(chosen), "labels": len(kept)}, log=log)
        return None
    began = time.perf_counter()
    ids, texts = zip(*transcript_texts(list(chosen)), strict=True)
    labels = [chosen[pk] for pk in ids]
    try:
        trained = classifier.train(list(texts), labels)
    except Exception as exc:
        job.finish(status=JobStatus.FAILED, log=str(exc))
        raise
    data, sha = classifier.dump(trained.pipeline)
    seconds = time.perf_counter() - began
    row = _store(
        data=data, sha=sha, digest=digest, minimum=minimum, labels=labels, excluded=excluded, trained=trained, seconds=seconds
    )
    cv = trained.cv
    log = _("Trained on {n} interactions, {labels} labels; cross-validated accuracy {accuracy} %.").format(
        n=trained.examples, labels=len(kept), accuracy=number_format(100 * (cv.accuracy or 0), 1)
    )
    job.finish(status=JobStatus.SUCCEEDED, counts={"examples": len(labels), "labels": len(kept), "model": row.pk}, log=log)
    transaction.on_commit(_after_training)
    return row


def _after_training() -> None:
    """A new model is a new detector version: check every interaction again, so its verdicts and the label-mismatch
    sampling flag follow the model (unless a run is already waiting to start)."""
    from qadesk.autoqa.services import JOB_KIND as RUN_KIND
    from qadesk.autoqa.services import autoqa_enqueue

    if not JobRun.objects.filter(kind=RUN_KIND, status=JobStatus.QUEUED).exists():
        with transaction.atomic():
            autoqa_enqueue(actor=None, params={"trigger": "classifier"})


def _store(
    *,
    data: bytes,
    sha: str,
    digest: str,
    minimum: int,
    labels: list[str],
    excluded: dict[str, int],
    trained: classifier.Trained,
    seconds: float,
) -> ClassifierModel:
    """Write the model file (to a temporary name, then renamed: a reader never sees half a file) and its row; remove
    the files of older models."""
    folder = model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"classifier-{sha[:20]}.joblib"
    partial = folder / (name + ".part")
    partial.write_bytes(data)
    partial.replace(folder / name)
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    row = ClassifierModel.objects.create(
        file=name,
        sha256=sha,
        sklearn_version=classifier.SKLEARN_VERSION,
        data_digest=digest,
        examples=len(labels),
        min_examples=minimum,
        labels=dict(sorted(counts.items())),
        excluded=excluded,
        folds=trained.cv.folds,
        cv_correct=trained.cv.correct,
        cv_labels=trained.cv.labels,
        confusion=trained.cv.matrix,
        seconds=round(seconds, 2),
    )
    for old in ClassifierModel.objects.exclude(pk=row.pk).exclude(file=name).values_list("file", flat=True):
        (folder / old).unlink(missing_ok=True)
    return row


def classifier_current() -> ClassifierModel | None:
    """The model in use: the newest trained one."""
    return ClassifierModel.objects.order_by("-pk").first()


def classifier_trusted(row: ClassifierModel) -> bool:
    """Whether this installation may load the model: written by this scikit-learn version (the digest is checked on
    loading)."""
    return row.sklearn_version == classifier.SKLEARN_VERSION


_loaded: dict[tuple[int, str], Pipeline] = {}


def classifier_pipeline(row: ClassifierModel) -> Pipeline:
    """The model's pipeline, read from its file once per process; classifier.UntrustedModel when it must not be."""
    key = (row.pk, row.sha256)
    if key not in _loaded:
        try:
            data = (model_dir() / row.file).read_bytes()
        except OSError as exc:
            raise classifier.UntrustedModel(f"cannot read the model file: {exc.strerror}") from None
        pipeline = classifier.load(data, sha256=row.sha256, sklearn_version=row.sklearn_version)
        _loaded.clear()
        _loaded[key] = pipeline
    return _loaded[key]


def classifier_findings(row: ClassifierModel, conversations: Sequence[Conversation]) -> list[Finding]:
    """The label_classifier verdicts on these conversations, predicted in one batch."""
    pipeline = classifier_pipeline(row)
    texts = [classifier.transcript_text([(m.role, m.text) for m in c.messages]) for c in conversations]
    predictions = classifier.predict(pipeline, texts, [c.label for c in conversations])
    # The language only groups the figures (AQS, accuracy per language): one model reads every language.
    return [
        replace(classifier.finding(p, label=c.label, words=len(text.split())), language=c.rules_language or c.language)
        for p, c, text in zip(predictions, conversations, texts, strict=True)
    ]


def classifier_detectors() -> list[Detector]:
    """The label_classifier detector at the current model's version, when there is a model this installation trusts."""
    row = classifier_current()
    if row is None or not classifier_trusted(row):
        return []
    return [
        Detector(
            code=DETECTOR,
            version=row.pk,
            criterion=CRITERION,
            languages=SUPPORTED_LANGUAGES,
            impact="low",
            check=lambda conv: classifier_findings(row, [conv])[0],
            batch=lambda convs: classifier_findings(row, convs),
        )
    ]


def classifier_label_predictor() -> Callable[[Sequence[Conversation]], list[str]] | None:
    """The current trusted model as a function from conversations to predicted label codes (`qadesk autoqa
    evaluate`); None when there is none."""
    row = classifier_current()
    if row is None or not classifier_trusted(row):
        return None
    pipeline = classifier_pipeline(row)

    def predict(conversations: Sequence[Conversation]) -> list[str]:
        texts = [classifier.transcript_text([(m.role, m.text) for m in c.messages]) for c in conversations]
        return [p.label for p in classifier.predict(pipeline, texts, [""] * len(texts))]

    return predict


def classifier_stale() -> bool:
    """The current model was written by another scikit-learn version: it is not used until retrained."""
    row = classifier_current()
    return row is not None and not classifier_trusted(row)


def classifier_allowed(*, actor: User) -> None:
    from qadesk.autoqa.services import autoqa_check_allowed

    autoqa_check_allowed(actor=actor)


def classifier_enqueue(*, actor: User | None, params: dict[str, Any] | None = None) -> JobRun:
    """Queue a training for the worker once the current transaction commits (`params["force"]`: retrain even when
    nothing changed)."""
    if actor is not None:
        classifier_allowed(actor=actor)
    from qadesk.autoqa.tasks import train_classifier

    job = JobRun.objects.create(kind=JOB_KIND, created_by=actor, params=params or {})
    return job_enqueue(job=job, task=train_classifier, args=[job.pk], max_attempts=2)


def classifier_retrain_due() -> JobRun | None:
    """The weekly retraining: queue a training unless one is waiting; it skips the work when nothing changed."""
    if JobRun.objects.filter(kind=JOB_KIND, status=JobStatus.QUEUED).exists():
        return None
    return classifier_enqueue(actor=None, params={"trigger": "schedule", "force": classifier_stale()})
