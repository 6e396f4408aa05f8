"""Charts as server-rendered SVG: no script, no library, no CDN, readable in any browser.

Each chart is drawn from the same rows the page shows in a table beside it (the table is what a
screen reader, a copy-paste and a reporter checking a figure use); the SVG is `role="img"` with
a title and a description saying what it shows, and its marks are coloured by CSS classes from
the explorer's stylesheet, so the page's Content-Security-Policy needs no inline styles.

Sizes are in a fixed viewBox and the stylesheet scales the SVG to its column, so one drawing
serves a phone and a desktop.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the table prints it, also the bar's tooltip
    highlight: bool = False
    muted: bool = False  # greyed: a rate from too few decisions to say much
    low: float | None = None  # a rate's 95% interval, drawn as a whisker
    high: float | None = None


def scale(peak: float, whole: bool) -> tuple[float, float]:
    """(axis top, tick step) for values up to `peak`: about four steps of 1, 2, 2.5 or 5 × 10^n.

    With `whole` (counts) the step is a whole number, so no tick reads 0.5 decisions.
    """
    if peak <= 0:
        return 1.0, 1.0 if whole else 0.25
    rough = peak / 4
    power = 10 ** math.floor(math.log10(rough))
    steps = [s * power for s in (1, 2, 2.5, 5, 10)]
    if whole:
        steps = [s for s in steps if s >= 1 and s == int(s)] or [1.0]
    step = next(s for s in steps if s >= rough) if steps[-1] >= rough else steps[-1]
    return step * math.ceil(peak / step - 1e-9), step


def _open(kind: str, title: str, description: str, width: int, height: int) -> list[str]:
    # From the content, not a counter: the same page renders the same bytes (its ETag holds).
    ident = "chart-" + hashlib.sha1(f"{title}\0{description}".encode()).hexdigest()[:10]
    head = (
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
    )
    return [head]


def column_chart(
    title: str, bars: Sequence[Bar], axis: Callable[[float], str], *, whole: bool = False
) -> Markup:
    """Vertical columns (one per year, say), labelled below, with a scale on the left."""
    width, height, left, bottom, top = 640, 260, 64, 28, 12
    parts = _open(
        "columns",
        title,
        f"{len(bars)} columns: "
        + "; ".join(f"{bar.label}: {bar.shown}" for bar in bars[:40])
        + ("…" if len(bars) > 40 else ""),
        width,
        height,
    )
    peak, step = scale(max((bar.value for bar in bars), default=0), whole)
    plot_h = height - bottom - top
    ticks = round(peak / step)
    for tick in range(ticks + 1):
        value = step * tick
        y = top + plot_h - plot_h * tick / ticks
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(axis(value))}</text>"
        )
    slot = (width - left) / max(len(bars), 1)
    every = max(1, math.ceil(len(bars) / 16))  # at most 16 labels under the columns
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / peak
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect class="bar{" bar-highlight" if bar.highlight else ""}" x="{x:.1f}" '
            f'y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text class="label" x="{x + slot * 0.35:.1f}" y="{height - 8}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def rate_chart(
    title: str, bars: Sequence[Bar], average: float | None, average_label: str
) -> Markup:
    """Horizontal bars of rates (0–1) with a dashed line at the average they are compared with."""
    row, left, right, top = 26, 220, 120, 24  # room on the right for "61% (52–69%)"
    width = 640
    height = top + row * len(bars) + 8
    description = "; ".join(f"{bar.label}: {bar.shown}" for bar in bars)
    if average is not None:
        description += f". {average_label}: {average:.0%}"
    parts = _open("rates", title, description, width, height)
    plot_w = width - left - right
    for i, bar in enumerate(bars):
        y = top + i * row
        name = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
        kind = "bar-muted" if bar.muted else "bar-highlight" if bar.highlight else ""
        parts.append(
            f'<text class="label" x="{left - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect class="bar {kind}" x="{left}" y="{y + 4}" '
            f'width="{plot_w * max(bar.value, 0):.1f}" height="{row - 8}">'
            f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>"
        )
        end = plot_w * max(bar.value, 0)
        if bar.low is not None and bar.high is not None:
            x1, x2 = left + plot_w * bar.low, left + plot_w * bar.high
            parts.append(
                f'<line class="interval" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y + row / 2:.1f}" '
                f'y2="{y + row / 2:.1f}"/>'
            )
            end = max(end, plot_w * bar.high)
        parts.append(
            f'<text class="value" x="{left + end + 6:.1f}" y="{y + 16}">{escape(bar.shown)}</text>'
        )
    if average is not None:
        x = left + plot_w * average
        # Near either end the label runs inwards, so it is never cut by the edge.
        anchor = "end" if average > 0.75 else "start" if average < 0.25 else "middle"
        parts.append(
            f'<line class="average" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 4}"/>'
            f'<text class="average-label" x="{x:.1f}" y="{top - 10}" text-anchor="{anchor}">'
            f"{escape(average_label)} {average:.0%}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
