"""How a demo reviewer rates an interaction on the default scorecard: from the mistakes planted in it.

Pure: a plan, the agent's hidden skill and a seeded random stream in, ratings (by criterion code) out.
Comments are written in the reviewer's language.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from qadesk.demo.generator import Plan

# root cause code -> what a reviewer writes, per language
COMMENTS: dict[str, dict[str, str]] = {
    "reason_misread": {
        "it": "Etichetta sbagliata: il cliente chiedeva altro.",
        "fr": "Mauvais libellé : le client demandait autre chose.",
        "en": "Wrong label: the customer was asking for something else.",
    },
    "wrong_sop": {
        "it": "Applicata la procedura sbagliata per questo motivo di contatto.",
        "fr": "Mauvaise procédure appliquée pour ce motif.",
        "en": "The wrong procedure was applied for this contact reason.",
    },
    "improper_activity": {
        "it": "Rimborso promesso fuori policy: non era consentito.",
        "fr": "Remboursement promis hors politique : ce n'était pas autorisé.",
        "en": "Refund promised against policy: this was not allowed.",
    },
    "tool_skipped": {
        "it": "Nessuna pratica aperta nello strumento rimborsi.",
        "fr": "Aucun dossier ouvert dans l'outil de remboursement.",
        "en": "Nothing was logged in the refund tool.",
    },
    "training_gap": {
        "it": "Uso degli strumenti incerto, serve un ripasso.",
        "fr": "Utilisation des outils hésitante, une remise à niveau s'impose.",
        "en": "Unsure use of the tools; a refresher would help.",
    },
    "step_omitted": {
        "it": "Manca la verifica dell'identità prevista dalla SOP.",
        "fr": "La vérification d'identité prévue par la procédure manque.",
        "en": "The identity check the SOP requires is missing.",
    },
    "handling_changed": {
        "it": "La gestione non corrisponde a etichetta e SOP registrate.",
        "fr": "Le traitement ne correspond pas au libellé et à la procédure enregistrés.",
        "en": "The handling does not match the recorded label and SOP.",
    },
    "no_greeting": {
        "it": "Saluto o chiusura mancanti.",
        "fr": "Salutation ou formule de fin absente.",
        "en": "Greeting or closing missing.",
    },
    "jargon": {
        "it": "Troppo gergo interno (WMS, RMA, SLA): il cliente non capisce.",
        "fr": "Trop de jargon interne (WMS, RMA, SLA) : le client ne comprend pas.",
        "en": "Too much internal jargon (WMS, RMA, SLA) for the customer.",
    },
    "vague_next_steps": {
        "it": "Prossimi passi vaghi: il cliente non sa cosa succederà.",
        "fr": "Suite floue : le client ne sait pas ce qui va se passer.",
        "en": "Vague next steps: the customer doesn't know what happens next.",
    },
    "over_promise": {
        "it": "Promesso più di quanto possiamo mantenere.",
        "fr": "Promesse au-delà de ce que nous pouvons tenir.",
        "en": "Promised more than we can deliver.",
    },
    "no_acknowledgement": {
        "it": "Nessuna empatia per il disagio del cliente.",
        "fr": "Aucune empathie pour le désagrément du client.",
        "en": "No empathy for the customer's trouble.",
    },
    "scripted": {
        "it": "Tono freddo, da copione.",
        "fr": "Ton froid, récité.",
        "en": "Cold, scripted tone.",
    },
    "blaming": {
        "it": "Ha dato la colpa al cliente: inaccettabile.",
        "fr": "Le client a été blâmé : inacceptable.",
        "en": "Blamed the customer: unacceptable.",
    },
    "sarcasm": {
        "it": "Risposta scortese al cliente.",
        "fr": "Réponse impolie au client.",
        "en": "Rude answer to the customer.",
    },
}
OVERALL: dict[str, dict[str, str]] = {
    "excellent": {
        "it": "Ottima gestione, da usare come esempio.",
        "fr": "Excellent traitement, à montrer en exemple.",
        "en": "Excellent handling, one to share as an example.",
    },
    "good": {
        "it": "Buona gestione, qualche dettaglio da curare.",
        "fr": "Bon traitement, quelques détails à soigner.",
        "en": "Good handling, a few details to polish.",
    },
    "poor": {
        "it": "Diversi punti da rivedere con il team lead.",
        "fr": "Plusieurs points à revoir avec le chef d'équipe.",
        "en": "Several points to go through with the team lead.",
    },
    "critical": {
        "it": "Errore grave: da discutere in coaching.",
        "fr": "Erreur grave : à traiter en coaching.",
        "en": "Serious error: to be discussed in coaching.",
    },
}
NO_TOOLS_REASONS = frozenset({"product_info", "feedback"})


@dataclass(frozen=True)
class Rated:
    """One criterion's rating (None = N/A), root cause codes and comment."""

    value: int | None
    root_causes: tuple[str, ...] = ()
    comment: str = ""


def demo_ratings(*, plan: Plan, skill: float, language: str, rng: random.Random) -> tuple[dict[str, Rated], str]:
    """Ratings by criterion code and an overall comment for one reviewed interaction.

    High-impact mistakes are always caught; a reviewer overlooks a low-impact one now and then.
    """
    seen = {m for m in plan.mistakes if m in _ALWAYS_SEEN or rng.random() > 0.08}

    def fail(value: int, cause: str) -> Rated:
        return Rated(value, (cause,), COMMENTS[cause][language])

    def good(top: int) -> int:
        """The top of the scale, one below it now and then, more often for weaker agents."""
        return top - 1 if rng.random() < (1 - skill) * 0.9 else top

    r: dict[str, Rated] = {}
    r["right_label"] = fail(0, "reason_misread") if "wrong_label" in seen else Rated(1)
    if "refund_against_policy" in seen:
        r["right_sop"] = fail(0, "improper_activity")
    else:
        r["right_sop"] = fail(0, "wrong_sop") if "wrong_sop" in seen else Rated(1)
    if "refund_against_policy" in seen:
        r["right_tools"] = fail(1, "tool_skipped")
    elif "wrong_sop" in seen:
        r["right_tools"] = Rated(2, ("training_gap",), COMMENTS["training_gap"][language])
    elif plan.reason in NO_TOOLS_REASONS and rng.random() < 0.7:
        r["right_tools"] = Rated(None)
    else:
        r["right_tools"] = Rated(good(3))
    if "step_omitted" in seen or "wrong_sop" in seen:
        r["workflow"] = fail(1 if "wrong_sop" in seen else 2, "step_omitted")
    else:
        r["workflow"] = Rated(good(4))
    changed = "wrong_label" in seen or "wrong_sop" in seen
    r["label_matches_handling"] = fail(0, "handling_changed") if changed else Rated(1)
    r["clear_courteous"] = _clear(seen, good(5), language)
    if "refund_against_policy" in seen:
        r["assertive"] = fail(2, "over_promise")
    else:
        r["assertive"] = fail(2, "vague_next_steps") if "vague_next_steps" in seen else Rated(good(5))
    hostile = "blaming" in seen or "rudeness" in seen
    if hostile or "no_empathy" in seen:
        r["empathy"] = fail(1 if hostile else 2, "no_acknowledgement")
    else:
        r["empathy"] = Rated(None) if plan.reason == "feedback" and rng.random() < 0.3 else Rated(good(5))
    cold = hostile or {"no_greeting", "no_empathy"} <= seen
    r["warmth"] = fail(1 if hostile else 2, "scripted") if cold else Rated(good(5) if skill > 0.7 else good(4))
    if "blaming" in seen:
        r["rude_or_blaming"] = fail(0, "blaming")
    else:
        r["rude_or_blaming"] = fail(0, "sarcasm") if "rudeness" in seen else Rated(1)
    return r, OVERALL[_verdict(seen)][language]


_ALWAYS_SEEN = frozenset({"wrong_sop", "refund_against_policy", "blaming", "rudeness"})


def _clear(seen: set[str], top: int, language: str) -> Rated:
    causes = []
    if "no_greeting" in seen or "no_closing" in seen:
        causes.append("no_greeting")
    if "jargon" in seen:
        causes.append("jargon")
    if "rudeness" in seen:
        return Rated(1, tuple(causes), COMMENTS["sarcasm"][language])
    if not causes:
        return Rated(top)
    comment = " ".join(COMMENTS[c][language] for c in causes)
    return Rated(1 if len(causes) > 1 else 2, tuple(causes), comment)


def _verdict(seen: set[str]) -> str:
    if seen & _ALWAYS_SEEN:
        return "critical"
    if len(seen) >= 2:
        return "poor"
    return "good" if seen else "excellent"
