"""The shared PDF set-up (qadesk/core/pdf.py): A4 in the orientation asked, DejaVu Sans embedded, accents kept."""

from __future__ import annotations

import io

from pypdf import PdfReader

from qadesk.core.pdf import FONT, new_pdf


def _rendered(orientation: str) -> PdfReader:
    pdf = new_pdf(orientation=orientation, title="Synthèse", language="fr")
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "Qualità − “réclamation” – 95,0 €")
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 8, "àèéìòù ç")
    return PdfReader(io.BytesIO(bytes(pdf.output())))


def test_it_writes_italian_and_french_signs_in_dejavu_sans() -> None:
    reader = _rendered("P")
    text = reader.pages[0].extract_text()
    assert "Qualità − “réclamation” – 95,0 €" in text and "àèéìòù ç" in text
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert {name.split("+")[-1] for name in fonts} == {"DejaVuSansBook", "DejaVuSansBold"}, fonts
    assert reader.metadata is not None and reader.metadata.title == "Synthèse" and reader.metadata.creator == "qadesk"


def test_it_makes_a4_portrait_or_landscape() -> None:
    for orientation, size in (("P", (210, 297)), ("L", (297, 210))):
        box = _rendered(orientation).pages[0].mediabox
        assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == size
