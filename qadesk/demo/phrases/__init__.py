"""Phrase banks per language: the pieces transcripts are assembled from."""

from typing import Any

from qadesk.demo.phrases.en import BANK as EN
from qadesk.demo.phrases.fr import BANK as FR
from qadesk.demo.phrases.it import BANK as IT

BANKS: dict[str, dict[str, Any]] = {"it": IT, "fr": FR, "en": EN}
