"""The printable A4 poster for a shop counter (fpdf2, pure Python): the survey's title and first question in the chosen
language, its open link as a large QR code (segno) and the address written out for those who type it. DejaVu Sans set up by
qadesk/core/pdf.py (as for the executive summary), so every accent of Italian and French prints."""

from __future__ import annotations

import io

import segno

from qadesk.core.pdf import FONT, new_pdf

PAGE_WIDTH = 210.0  # mm, A4 portrait
QR_SIZE = 120.0  # mm: scans from a couple of metres


def qr_png(url: str) -> bytes:
    """The link as a PNG QR code (error correction M, quiet zone of 4 modules)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=20, border=4)
    return out.getvalue()


def poster_pdf_bytes(*, title: str, question: str, call: str, url: str, language: str) -> bytes:
    """One A4 page: the title, the question, the QR code of `url`, the call to action and the address."""
    pdf = new_pdf(orientation="P", title=title, language=language)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_y(28)
    pdf.set_font(FONT, "B", 30)
    pdf.multi_cell(0, 13, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if question and question != title:
        pdf.ln(4)
        pdf.set_font(FONT, "", 18)
        pdf.multi_cell(0, 9, question, align="C", new_x="LMARGIN", new_y="NEXT")
    top = max(pdf.get_y() + 10, 80.0)
    pdf.image(io.BytesIO(qr_png(url)), x=(PAGE_WIDTH - QR_SIZE) / 2, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_y(top + QR_SIZE + 8)
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, call, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, url, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
