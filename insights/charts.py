"""Geometry of the insights charts, drawn as SVG by templates/insights/_bars.svg.html and
_heatmap.svg.html: no JavaScript, no inline style (the CSP forbids it), scaled by the viewBox so
one drawing fits a phone and a desktop. A hidden figure ("<5") is drawn as a short hatched stub
with its label, never at a height that would tell its value.
"""

from __future__ import annotations

from dataclasses import dataclass

from insights.privacy import Cell

WIDTH = 640
HEIGHT = 220
TOP, BOTTOM, LEFT = 24, 44, 8
STUB = 6  # height of a hidden bar


@dataclass
class Bar:
    x: float
    width: float
    y: float
    height: float
    label: str
    show_label: bool
    display: str
    hidden: bool
    inner_y: float = 0
    inner_height: float = 0
    inner_display: str = ""


def bar_chart(bars: list[tuple[str, Cell]], *, inner: list[Cell] | None = None, max_labels: int = 14) -> dict:
    """Vertical bars; `inner` draws a second figure inside each bar (completed inside requested)."""
    plot = HEIGHT - TOP - BOTTOM
    shown = [c.value for _, c in bars if not c.hidden and c.value]
    top = max(shown, default=0) or 1
    step = (WIDTH - 2 * LEFT) / max(len(bars), 1)
    every = max(1, -(-len(bars) // max_labels))
    out = []
    for i, (label, cell) in enumerate(bars):
        height = STUB if cell.hidden else plot * (cell.value or 0) / top
        bar = Bar(x=LEFT + i * step + step * 0.15, width=step * 0.7, y=TOP + plot - height, height=height,
                  label=label, show_label=i % every == 0, display=cell.display, hidden=cell.hidden)
        if inner is not None and not inner[i].hidden and inner[i].value:
            bar.inner_height = plot * inner[i].value / top
            bar.inner_y = TOP + plot - bar.inner_height
            bar.inner_display = inner[i].display
        out.append(bar)
    return {"width": WIDTH, "height": HEIGHT, "baseline": TOP + plot, "bars": out,
            "label_y": TOP + plot + 16, "empty": not any(not c.hidden and c.value for _, c in bars)
            and not any(c.hidden for _, c in bars)}


def heatmap(departments: list[str], rows: list[dict]) -> dict:
    """Mentee departments down, mentor departments across; shade in six steps of the largest cell."""
    n = len(departments)
    label_w, cell = 120, max(24, min(64, (WIDTH - 120) // max(n, 1)))
    values = [c.value for row in rows for c in row["cells"] if not c.hidden and c.value]
    top = max(values, default=0)
    grid = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row["cells"]):
            level = 0 if value.hidden or not value.value or not top else 1 + round(4 * value.value / top)
            grid.append({"x": label_w + c * cell, "y": label_w + r * cell, "size": cell, "level": level,
                         "hidden": value.hidden, "display": value.display,
                         "title": f"{row['department']} mentees with {departments[c]} mentors: {value.display}"})
    heads = [{"x": label_w + i * cell + cell / 2, "y": label_w - 6, "name": name[:14]} for i, name in enumerate(departments)]
    sides = [{"x": label_w - 6, "y": label_w + i * cell + cell / 2 + 4, "name": name[:16]}
             for i, name in enumerate(departments)]
    size = label_w + n * cell + 4
    return {"width": size, "height": size, "cells": grid, "heads": heads, "sides": sides,
            "empty": not values and not any(g["hidden"] for g in grid)}


def line_chart(points: list[tuple[str, float | None]], *, top: float, bottom: float = 0, max_labels: int = 14) -> dict:
    """A line over fixed bounds (stars run 1 to 5 whatever the data): months without a value break
    the line instead of dropping to zero. Each point keeps its label and value for its <title>."""
    plot = HEIGHT - TOP - BOTTOM
    step = (WIDTH - 2 * LEFT) / max(len(points), 1)
    every = max(1, -(-len(points) // max_labels))
    dots, segments, current = [], [], []
    for i, (label, value) in enumerate(points):
        x = LEFT + i * step + step / 2
        if value is None:
            if current:
                segments.append(current)
            current = []
            dots.append({"x": x, "label": label, "show_label": i % every == 0, "value": None})
            continue
        y = TOP + plot - plot * (value - bottom) / (top - bottom)
        current.append(f"{x:.1f},{y:.1f}")
        dots.append({"x": x, "y": y, "label": label, "show_label": i % every == 0, "value": value})
    if current:
        segments.append(current)
    return {"width": WIDTH, "height": HEIGHT, "baseline": TOP + plot, "top_y": TOP, "label_y": TOP + plot + 16,
            "dots": dots, "lines": [" ".join(seg) for seg in segments], "top": top, "bottom": bottom,
            "empty": all(d["value"] is None for d in dots)}
