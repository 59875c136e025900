"""The executive summary as a PDF rendered on the server (fpdf2, pure Python): A4 landscape, black on white, one table
per section with the trend drawn as a small line, readable when printed. Text in the active language; the font is
DejaVu Sans, set up by qadesk/core/pdf.py, so every accent and sign of Italian and French prints."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qadesk.core.pdf import FONT, new_pdf
from qadesk.executive import sparklines
from qadesk.executive.formatting import row_texts, significance_text
from qadesk.executive.selectors import ExecutiveSummary

if TYPE_CHECKING:  # imported where a PDF is made (qadesk/core/pdf.py)
    from fpdf import FPDF

# Column widths in mm (A4 landscape: 277 mm between the margins).
COLUMNS = (70, 34, 36, 44, 44, 49)


def _date(day: date) -> str:
    return formats.date_format(day, "j M Y")


def summary_pdf_bytes(summary: ExecutiveSummary) -> bytes:
    """The PDF of the summary (the same figures as the page)."""
    pdf = new_pdf(orientation="L", title=_("Executive summary"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, _("Executive summary"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    period = _("{start} – {end}, compared with {pstart} – {pend} and with each figure's baseline.").format(
        start=_date(summary.start), end=_date(summary.end), pstart=_date(summary.previous_start), pend=_date(summary.previous_end)
    )
    pdf.multi_cell(0, 5, period, new_x="LMARGIN", new_y="NEXT")
    sections = [(title, [row_texts(r) for r in rows]) for _code, title, rows in summary.sections()]
    changed = [
        significance_text(t) for _title, rows in sections for t in rows if t["change_significant"] or t["baseline_significant"]
    ]
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, _("Changed significantly"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in changed or [_("No figure changed more than chance explains.")]:
        pdf.multi_cell(0, 5, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    for title, rows in sections:
        _section(pdf, title, rows)
    pdf.ln(3)
    pdf.set_font(FONT, "", 7.5)
    note = _(
        "Significant: Welch's t-test, adjusted p below 0.05 after Benjamini–Hochberg over the figures compared. "
        "Planned: the target. Printed {when}."
    ).format(when=formats.date_format(timezone.localtime(), "j M Y H:i"))
    pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _section(pdf: FPDF, title: str, rows: list[dict[str, object]]) -> None:
    if pdf.will_page_break(8 + 10 * (len(rows) + 1)):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 8)
    pdf.set_fill_color(235, 235, 235)
    headers = (_("Figure"), _("Value"), _("Planned"), _("Previous period"), _("Baseline"), _("Trend"))
    for width, header in zip(COLUMNS, headers, strict=True):
        pdf.cell(width, 6, header, border="B", fill=True, align="L" if header in headers[:1] + headers[5:] else "R")
    pdf.ln()
    for r in rows:
        _row(pdf, r)


def _row(pdf: FPDF, r: dict[str, object]) -> None:
    height = 10
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_font(FONT, "B", 8.5)
    pdf.cell(COLUMNS[0], 5, str(r["name"]))
    pdf.set_xy(x, y + 5)
    pdf.set_font(FONT, "", 6.5)
    pdf.cell(COLUMNS[0], 4, str(r["direction"]))
    pdf.set_xy(x + COLUMNS[0], y)
    pdf.set_font(FONT, "B" if not r["status"] else "", 8.5)
    pdf.cell(COLUMNS[1], 5, str(r["status"] or r["value"]), align="R")
    pdf.set_font(FONT, "", 8.5)
    met = {True: _("met"), False: _("missed"), None: ""}[r["target_met"]]  # type: ignore[index]
    pdf.cell(COLUMNS[2], 5, f"{r['target']} {met}".strip(), align="R")
    for column, change, significant, reference in (
        (3, r["change"], r["change_significant"], r["previous"]),
        (4, r["baseline_change"], r["baseline_significant"], r["baseline"]),
    ):
        pdf.set_font(FONT, "B" if significant else "", 8.5)
        mark = f" * {_('significant')}" if significant else ""
        pdf.cell(COLUMNS[column], 5, f"{change}{mark}", align="R")
        cell_x = pdf.get_x()
        pdf.set_xy(cell_x - COLUMNS[column], y + 5)
        pdf.set_font(FONT, "", 6.5)
        pdf.cell(COLUMNS[column], 4, str(reference), align="R")
        pdf.set_xy(cell_x, y)
    if r["n"]:
        pdf.set_xy(x + COLUMNS[0], y + 5)
        pdf.set_font(FONT, "", 6.5)
        pdf.cell(COLUMNS[1], 4, f"n = {r['n']}", align="R")
    _trend(pdf, x + sum(COLUMNS[:5]) + 3, y + 1, r["series"], r["target_value"])  # type: ignore[arg-type]
    pdf.set_draw_color(200, 200, 200)
    pdf.line(x, y + height, x + sum(COLUMNS), y + height)
    pdf.set_xy(x, y + height)


def _trend(pdf: FPDF, left: float, top: float, values: list[float | None], target: float | None) -> None:
    """The sparkline's runs scaled into a 40 × 8 mm box; the target dashed."""
    scale_x, scale_y = 40 / sparklines.WIDTH, 8 / sparklines.HEIGHT
    line = sparklines.target_y(values, target)
    if line is not None:
        pdf.set_draw_color(150, 150, 150)
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(left, top + line * scale_y, left + 40, top + line * scale_y)
        pdf.set_dash_pattern()
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.35)
    for run in sparklines.sparkline_points(values, target=target):
        points = [(left + px * scale_x, top + py * scale_y) for px, py in run]
        if len(points) == 1:
            pdf.circle(x=points[0][0], y=points[0][1], radius=0.5, style="F")
        for (x1, y1), (x2, y2) in pairwise(points):
            pdf.line(x1, y1, x2, y2)
    pdf.set_line_width(0.2)
