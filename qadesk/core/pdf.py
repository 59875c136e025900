"""The one place qadesk sets up a server-rendered PDF (fpdf2, pure Python): a page with the creator, title and language
set and DejaVu Sans registered (regular and bold), shipped in static/vendor/dejavu-2.37 so that every accent and sign
of Italian and French prints. The executive summary and the survey poster draw on what this returns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fpdf2 (with fontTools) costs a process ~0.6 s to import: only where a PDF is made
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "dejavu-2.37"
FONT = "DejaVu"  # the family name documents use in set_font


def new_pdf(*, orientation: str = "P", title: str = "", language: str = "") -> FPDF:
    """An A4 document in millimetres with DejaVu Sans registered as FONT ("" and "B"), no page added yet."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    if title:
        pdf.set_title(title)
    if language:
        pdf.set_lang(language)
    pdf.set_creator("qadesk")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    return pdf
