"""The explorer's SVG charts and number formats: exact output, escaping, scales."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from app.explorer.charts import Bar, column_chart, rate_chart, scale
from app.explorer.templates import day, paragraphs, percent, pounds, short_pounds


@given(st.floats(min_value=0.001, max_value=1e9), st.booleans())
def test_scale_covers_the_peak_in_one_to_four_steps(peak: float, whole: bool) -> None:
    top, step = scale(peak, whole)
    ticks = round(top / step)
    assert math.isclose(ticks * step, top)
    assert top >= peak * (1 - 1e-9)  # float noise, a billionth of a bar
    assert top - peak < step + 1e-9 * top
    assert 1 <= ticks <= 4
    if whole:
        assert step == int(step)
        assert step >= 1


def test_scale_of_small_counts_has_whole_ticks() -> None:
    assert scale(2, whole=True) == (2, 1)
    assert scale(5, whole=True) == (6, 2)
    assert scale(17, whole=True) == (20, 5)
    assert scale(0, whole=True) == (1, 1)
    assert scale(990, whole=False) == (1000, 250)


def test_column_chart_is_an_accessible_image_with_one_bar_per_value() -> None:
    svg = column_chart(
        "Decisions per year",
        [Bar("2023", 3, "3"), Bar("2024", 1, "1")],
        lambda v: f"{v:,.0f}",
        whole=True,
    )
    tree = LexborHTMLParser(str(svg))
    chart = tree.css_first("svg")
    assert chart is not None
    assert chart.attributes["role"] == "img"
    labelled = str(chart.attributes["aria-labelledby"]).split()
    assert [tree.css_first(f"#{ident}").text() for ident in labelled] == [  # type: ignore[union-attr]
        "Decisions per year",
        "2 columns: 2023: 3; 2024: 1",
    ]
    bars = tree.css("rect.bar")
    assert [bar.css_first("title").text() for bar in bars] == ["2023: 3", "2024: 1"]  # type: ignore[union-attr]
    heights = [float(str(bar.attributes["height"])) for bar in bars]
    assert math.isclose(heights[0], 3 * heights[1], abs_tol=0.2)  # drawn to 0.1 units
    assert [t.text() for t in tree.css("text.tick")] == ["0", "1", "2", "3"]


def test_labels_are_escaped() -> None:
    hostile = '<script>alert("x")</script> & Co'
    svg = str(rate_chart(hostile, [Bar(hostile, 0.5, "50%")], 0.25, hostile))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_rate_chart_draws_the_average_where_it_falls() -> None:
    svg = rate_chart("Rates", [Bar("A", 1.0, "100%"), Bar("B", 0.5, "50%")], 0.5, "Average")
    tree = LexborHTMLParser(str(svg))
    widths = [float(str(bar.attributes["width"])) for bar in tree.css("rect.bar")]
    assert math.isclose(widths[0], 2 * widths[1], abs_tol=0.2)
    line = tree.css_first("line.average")
    assert line is not None
    left = float(str(tree.css("rect.bar")[0].attributes["x"]))
    assert math.isclose(float(str(line.attributes["x1"])), left + widths[1], abs_tol=0.2)
    assert tree.css_first("text.average-label").text() == "Average 50%"  # type: ignore[union-attr]


def test_money_dates_and_rates_read_as_a_reporter_writes_them() -> None:
    assert pounds(1100) == "£1,100"
    assert pounds(1550.5) == "£1,550.50"
    assert pounds(0) == "£0"
    assert pounds(None) == "–"
    assert short_pounds(12_500) == "£12.5k"
    assert short_pounds(1_500_000) == "£1.5m"
    assert short_pounds(250) == "£250"
    assert day("2019-05-07") == "7 May 2019"
    assert day(date(2024, 12, 25)) == "25 December 2024"
    assert day(None) == "Undated"
    assert percent(0.5333) == "53%"
    assert percent(None) == "–"
    assert paragraphs("1. One.\n\n2. Two.\n  \nWhat happened\n3. Three.") == [
        "1. One.",
        "2. Two.",
        "What happened",
        "3. Three.",
    ]
