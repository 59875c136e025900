"""Training time and prediction throughput of the contact-reason classifier (issue 11), at `--sizes` interactions.

The interactions are the demo's (qadesk/demo/generator.py: it/fr transcripts of 10 contact reasons, 5 % of the labels
planted wrong), generated without a database. For each size, in the same process and run:
- **train**: classifier.train — word 1–2-gram and char_wb 3–5-gram TF-IDF, 5-fold stratified cross-validation of the
  linear SVM (on a stratified 10,000 past that), Platt sigmoids on its out-of-fold scores, then the final fit (on a
  stratified 30,000 past that) — what the training job does after reading the texts;
- **predict**: classifier.predict on 5,000 other transcripts, in batches of 500 (as the detectors' job does);
- **bare tokenise** (the reference): one `re.findall(r"\\w+")` over each lower-cased text of the training set — the
  least any text model must do.
Times are CPU seconds of this process (time.process_time; BLAS is held to one thread), so the figures are per core
even on a busy machine. Prints JSON. No database. Run:
`.venv/bin/python benchmarks/autoqa_classifier.py [--sizes 10000,100000]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")

import django

django.setup()

from qadesk.autoqa import classifier  # noqa: E402
from qadesk.demo.generator import demo_records, demo_roster  # noqa: E402

HELD_OUT = 5000


def corpus(count: int) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    end = datetime(2026, 11, 30, 12, tzinfo=UTC)
    for record, _plan in demo_records(roster=demo_roster(seed=7), count=count, days=90, end=end, seed=7):
        if not record.get("label"):
            continue
        pairs = [(m["author"], m.get("body") or "") for m in record.get("messages", []) if m.get("public", True)]
        texts.append(classifier.transcript_text(pairs))
        labels.append(record["label"])
    return texts, labels


def measure(size: int) -> dict[str, object]:
    texts, labels = corpus(size + HELD_OUT + size // 10)
    train_texts, train_labels = texts[:size], labels[:size]
    test_texts, test_labels = texts[size : size + HELD_OUT], labels[size : size + HELD_OUT]
    kept, _excluded = classifier.eligible(train_labels, minimum=20)
    chosen = [i for i, label in enumerate(train_labels) if label in kept]
    train_texts, train_labels = [train_texts[i] for i in chosen], [train_labels[i] for i in chosen]
    began = time.process_time()
    trained = classifier.train(train_texts, train_labels)
    train_s = time.process_time() - began
    began = time.process_time()
    predictions = []
    for start in range(0, len(test_texts), 500):
        predictions += classifier.predict(trained.pipeline, test_texts[start : start + 500], test_labels[start : start + 500])
    predict_s = time.process_time() - began
    began = time.process_time()
    tokens = sum(len(re.findall(r"\w+", text.lower())) for text in train_texts)
    bare_s = time.process_time() - began
    return {
        "interactions": len(train_texts),
        "labels": len(kept),
        "mean_characters": round(sum(map(len, train_texts)) / len(train_texts)),
        "tokens": tokens,
        "cv_accuracy": round(trained.cv.accuracy or 0, 4),
        "held_out_accuracy_vs_given_labels": round(
            sum(p.label == g for p, g in zip(predictions, test_labels, strict=True)) / len(test_labels), 4
        ),
        "train_cpu_s": round(train_s, 2),
        "predict_per_s": round(len(test_texts) / predict_s),
        "bare_tokenise_cpu_s": round(bare_s, 3),
        "train_vs_bare_tokenise": round(train_s / bare_s, 1),
        "model_bytes": len(classifier.dump(trained.pipeline)[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    results = [measure(int(size)) for size in args.sizes.split(",")]
    print(json.dumps({"load_average": os.getloadavg(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
