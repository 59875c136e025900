"""Sparklines drawn on the server as inline SVG (no script, no CDN): one line per headline over its last periods, a
period without a value is a gap, never a line drawn through it; the dashed line is the target when one is set."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, PAD = 120, 28, 3


def sparkline_points(values: Sequence[float | None], *, target: float | None = None) -> list[list[tuple[float, float]]]:
    """The runs of consecutive values as (x, y) points in a WIDTH × HEIGHT box, y growing downwards; the scale spans
    the values and the target. Example: [0, None, 10] → [[(3, 25)], [(117, 3)]]."""
    present = [v for v in values if v is not None]
    if not present:
        return []
    scale = [*present, *([target] if target is not None else [])]
    low, high = min(scale), max(scale)
    span = high - low or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
            continue
        y = PAD + (high - value) / span * (HEIGHT - 2 * PAD) if high != low else HEIGHT / 2
        current.append((round(PAD + i * step, 1), round(y, 1)))
    if current:
        runs.append(current)
    return runs


def target_y(values: Sequence[float | None], target: float | None) -> float | None:
    """Where the target's line falls in the box (None without a target or any value)."""
    present = [v for v in values if v is not None]
    if target is None or not present:
        return None
    low, high = min([*present, target]), max([*present, target])
    return round(PAD + (high - target) / ((high - low) or 1.0) * (HEIGHT - 2 * PAD), 1) if high != low else HEIGHT / 2


def sparkline_svg(values: Sequence[float | None], *, label: str, target: float | None = None) -> str:
    """An inline <svg> of the values (oldest first), the last point marked; `label` is read out by screen readers."""
    runs = sparkline_points(values, target=target)
    parts = [
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(label)}">'
    ]
    line = target_y(values, target)
    if line is not None:
        parts.append(
            f'<line x1="0" y1="{line}" x2="{WIDTH}" y2="{line}" stroke="#94a3b8" stroke-width="1" stroke-dasharray="3 2"/>'
        )
    for run in runs:
        points = " ".join(f"{x},{y}" for x, y in run)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#2563eb" stroke-width="1.5"/>')
    if runs:
        x, y = runs[-1][-1]
        parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="#2563eb"/>')
    parts.append("</svg>")
    return "".join(parts)
