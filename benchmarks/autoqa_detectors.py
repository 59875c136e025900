"""Throughput of the built-in automatic-QA detectors (issue 11): conversations per second on one core.

Builds `--n` conversations of 8 messages (4 customer, 4 agent; it, fr and en in turn) from hand-written sentences
drawn at random (seeded), then times, in the same process and run:
- **detectors**: every built-in detector (engine.run_detectors) on each conversation, Conversation built included;
- **bare regex** (the reference): one pass of one compiled alternation of every phrase of the language's lists over
  each message's text — what any phrase matcher must at least do.
Times are CPU seconds of this process (time.process_time), so the figure is per core even on a busy machine.
Prints JSON. No database. Run: `.venv/bin/python benchmarks/autoqa_detectors.py [--n 20000] [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")

import django

django.setup()

import yaml  # noqa: E402

from qadesk.autoqa.engine import Conversation, Msg, detectors, run_detectors  # noqa: E402
from qadesk.autoqa.rules import RULES_DIR, phrase_regex  # noqa: E402

SENTENCES = {
    "it": {
        "customer": [
            "Buongiorno, il pacco dell'ordine 4411 non è ancora arrivato.",
            "È la terza volta che scrivo, è inaccettabile!",
            "Sono Marco Bianchi, vorrei sapere dov'è il mio rimborso.",
            "Potete richiamarmi al 347 123 4567?",
            "Grazie, aspetto notizie.",
            "Il prodotto è arrivato rotto, cosa devo fare?",
        ],
        "agent": [
            "Buongiorno, sono Giulia del servizio clienti. Controllo subito, un attimo per favore.",
            "Mi dispiace molto per il disagio, capisco la sua frustrazione.",
            "Ho provveduto al rimborso: riceverà l'accredito entro 5 giorni lavorativi.",
            "Il corriere ha avuto un ritardo, il pacco arriverà domani.",
            "Posso aiutarla in altro? Buona giornata!",
            "Come le ho già detto, ci vogliono 10 giorni.",
        ],
    },
    "fr": {
        "customer": [
            "Bonjour, ma commande 5521 n'est toujours pas arrivée.",
            "C'est la troisième fois que j'écris, c'est inacceptable !",
            "Je m'appelle Sophie Martin, où est mon remboursement ?",
            "Pouvez-vous me rappeler au 06 12 34 56 78 ?",
            "Merci, j'attends des nouvelles.",
            "Le produit est arrivé cassé, que dois-je faire ?",
        ],
        "agent": [
            "Bonjour, je suis Claire du service client. Je vérifie, un instant s'il vous plaît.",
            "Je suis désolée pour ce désagrément, je comprends votre frustration.",
            "J'ai procédé au remboursement : vous serez remboursé sous 5 jours ouvrés.",
            "Le transporteur a pris du retard, le colis arrivera demain.",
            "Puis-je vous aider pour autre chose ? Bonne journée !",
            "Comme je l'ai déjà dit, il faut 10 jours.",
        ],
    },
    "en": {
        "customer": [
            "Hi, my order 7781 still hasn't arrived.",
            "This is the third time I write, it's unacceptable!",
            "My name is Peter Jones, where is my refund?",
            "Could you call me back on +44 7700 900123?",
            "Thanks, waiting for news.",
            "The product arrived broken, what should I do?",
        ],
        "agent": [
            "Hello, this is Emma from customer care. Let me check, one moment please.",
            "I'm so sorry for the trouble, I understand your frustration.",
            "I've issued the refund: you'll see it within 5 business days.",
            "The courier had a delay, the parcel will arrive tomorrow.",
            "Is there anything else I can help with? Have a great day!",
            "As I already said, it takes 10 days.",
        ],
    },
}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def conversations(n: int, seed: int = 11) -> list[tuple[str, list[tuple[int, str, str, datetime]]]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = ("it", "fr", "en")[i % 3]
        rows = []
        for j in range(8):
            role = "customer" if j % 2 == 0 else "agent"
            rows.append((i * 8 + j, role, rng.choice(SENTENCES[lang][role]), T0 + timedelta(seconds=j * rng.randint(20, 120))))
        out.append((lang, rows))
    return out


def time_detectors(data: list[tuple[str, list[tuple[int, str, str, datetime]]]]) -> float:
    chosen = detectors()
    start = time.process_time()
    for lang, rows in data:
        conv = Conversation(tuple(Msg(*row) for row in rows), language=lang, channel="chat")
        run_detectors(conv, chosen)
    return time.process_time() - start


def time_bare_regex(data: list[tuple[str, list[tuple[int, str, str, datetime]]]]) -> float:
    one = {}
    for lang in ("it", "fr", "en"):
        lists = yaml.safe_load((RULES_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
        phrases = [p for key, value in lists.items() if not key.endswith(("_patterns", "_words")) for p in value]
        one[lang] = phrase_regex(phrases)  # the same trie-built alternation the detectors use
    start = time.process_time()
    for lang, rows in data:
        pattern = one[lang]
        for row in rows:
            for _match in pattern.finditer(row[2]):
                pass
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = conversations(args.n)
    time_detectors(data[:300])  # warm-up: rules compiled, caches filled
    time_bare_regex(data[:300])
    det = sorted(time_detectors(data) for _ in range(args.repeat))[args.repeat // 2]
    ref = sorted(time_bare_regex(data) for _ in range(args.repeat))[args.repeat // 2]
    print(
        json.dumps(
            {
                "conversations": args.n,
                "messages_per_conversation": 8,
                "detectors": len(detectors()),
                "repeat": args.repeat,
                "detectors_conversations_per_s": round(args.n / det),
                "bare_regex_conversations_per_s": round(args.n / ref),
                "detectors_vs_bare_regex": round(det / ref, 2),
                "goal_per_core": 2000,
                "cores_used": 1,
                "clock": "process CPU time",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
