"""A headline's value as the reader writes numbers (comma decimals in Italian and French), with its unit."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from qadesk.executive.headlines import MONEY, PER_100, PERCENT, POINTS, SCORE, SECONDS, UNIT_NAMES

DECIMALS = {POINTS: 1, PERCENT: 1, PER_100: 1, SCORE: 2, SECONDS: 0, MONEY: 2}


def number(value: float, unit: str) -> str:
    return formats.number_format(round(value, DECIMALS.get(unit, 1)), DECIMALS.get(unit, 1), use_l10n=True, force_grouping=True)


def value_text(value: float | None, unit: str) -> str:
    """12,5 % · 83,4 · 2,1 per 100 · 315 s; "—" for no value."""
    if value is None:
        return "—"
    text = number(value, unit)
    if unit == PERCENT:
        return f"{text} %"
    if unit == SECONDS:
        return _("{n} s").format(n=text)
    if unit == PER_100:
        return _("{n} per 100").format(n=text)
    return text


def change_text(difference: float | None, unit: str) -> str:
    """A signed change: +2,5 or −1,0 (percentage points for a percentage)."""
    if difference is None:
        return "—"
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    text = number(abs(difference), unit)
    if unit == PERCENT:
        return _("{sign}{n} pts").format(sign=sign, n=text)
    if unit == SECONDS:
        return _("{sign}{n} s").format(sign=sign, n=text)
    return f"{sign}{text}"


def p_text(p: float | None) -> str:
    if p is None:
        return "—"
    return "< 0.001" if p < 0.001 else formats.number_format(round(p, 3), 3, use_l10n=True)


def row_texts(row: Any) -> dict[str, Any]:
    """A summary row (selectors.HeadlineRow) as the page, the PDF and the e-mail write it, in the active language."""
    h = row.headline
    unit = h.unit
    current = row.current.value if row.current else None
    change = row.change
    base = row.baseline_change
    if not row.available:
        status = _("not available yet")
    elif row.current is None:
        status = _("no data in the period")
    else:
        status = ""
    return {
        "code": h.code,
        "name": str(h.name),
        "definition": str(h.definition),
        "unit": str(UNIT_NAMES[unit]),
        "direction": _("higher is better") if h.direction == "higher" else _("lower is better"),
        "value": value_text(current, unit),
        "n": ""
        if row.current is None or row.current.n is None
        else formats.number_format(row.current.n, 0, use_l10n=True, force_grouping=True),
        "status": status,
        "previous": value_text(row.previous.value if row.previous else None, unit),
        "change": change_text(change.difference if change else None, unit),
        "change_p": p_text(change.p_adjusted if change else None),
        "change_significant": bool(change and change.significant),
        "change_better": None if change is None else change.better,
        "target": value_text(row.target, unit),
        "target_met": row.target_met,
        "baseline": value_text(row.baseline.value if row.baseline else None, unit),
        "baseline_change": change_text(base.difference if base else None, unit),
        "baseline_p": p_text(base.p_adjusted if base else None),
        "baseline_significant": bool(base and base.significant),
        "baseline_better": None if base is None else base.better,
        "series": row.series,
        "target_value": row.target,
    }


def significance_text(texts: dict[str, Any]) -> str:
    """One sentence for a figure that changed significantly: "IQS: +4.2 since the previous period (p = 0.012)"."""
    parts = []
    if texts["change_significant"]:
        parts.append(_("{change} since the previous period (adjusted p {p})").format(change=texts["change"], p=texts["change_p"]))
    if texts["baseline_significant"]:
        parts.append(
            _("{change} since the baseline (adjusted p {p})").format(change=texts["baseline_change"], p=texts["baseline_p"])
        )
    better = texts["change_better"] if texts["change_significant"] else texts["baseline_better"]
    verdict = _("better") if better else _("worse")
    return _("{name} {value}: {changes} — {verdict}").format(
        name=texts["name"], value=texts["value"], changes="; ".join(parts), verdict=verdict
    )
