"""Page furniture removal and HTML → lines."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parse.text import _raw_lines, clean_lines, html_to_lines

DECISION = """\
Northshire District Council (23 004 512)
Summary: Ms R complains about a delay.
The complaint
1. Ms R complains the Council took too long.
Final decision
I have found fault causing injustice."""

EXPECTED = [
    "Northshire District Council (23 004 512)",
    "Summary: Ms R complains about a delay.",
    "The complaint",
    "1. Ms R complains the Council took too long.",
    "Final decision",
    "I have found fault causing injustice.",
]


def test_whitespace_is_normalised() -> None:
    text = "  Northshire District Council\u00a0(23 004 512)  \r\n\r\n\tSummary:  a\u200b b  \n"
    assert clean_lines(text) == ["Northshire District Council (23 004 512)", "Summary: a b"]


def test_back_to_top_and_print_this_page() -> None:
    text = DECISION.replace("The complaint", "Back to top\nThe complaint\nBACK TO TOP")
    assert clean_lines(text + "\nBack to top\nPrint this page") == EXPECTED


def test_cookie_banner_after_the_decision_ends_it() -> None:
    text = (
        DECISION
        + "\nReview your privacy settings\nRequired cookies\nThese cookies enable the website to"
        " function properly.\nIn using Google Analytics, we do not collect personal data.\n"
        "Privacy settings"
    )
    assert clean_lines(text) == EXPECTED


def test_cookie_banner_before_the_title_is_dropped() -> None:
    text = "We use cookies on this website.\nAccept all cookies\nSkip to main content\n" + DECISION
    assert clean_lines(text) == EXPECTED


def test_cookie_banner_without_title_is_skipped_until_the_decision() -> None:
    text = "We use cookies on this website.\nAccept all cookies\nThe complaint\nMs R complains."
    assert clean_lines(text) == ["The complaint", "Ms R complains."]


def test_signature_line_ends_the_decision() -> None:
    for signature in (
        "Investigator's decision on behalf of the Ombudsman",
        "Investigator’s decision on behalf of the Ombudsman",
        "Assistant Ombudsman's decision on behalf of the Ombudsman",
    ):
        assert clean_lines(DECISION + f"\n{signature}\nShare this page\nContact us") == EXPECTED


def test_table_of_contents_with_marker() -> None:
    lines = DECISION.split("\n")
    toc = ["On this page", "Summary", "The complaint", "Final decision"]
    assert clean_lines("\n".join(lines[:1] + toc + lines[1:])) == EXPECTED


def test_table_of_contents_repeating_the_first_heading_ends_there() -> None:
    text = (
        "Northshire District Council (23 004 512)\nContents\nThe complaint\nFinal decision\n"
        "The complaint\nMs R complains.\nFinal decision\nNo fault."
    )
    assert clean_lines(text) == [
        "Northshire District Council (23 004 512)",
        "The complaint",
        "Ms R complains.",
        "Final decision",
        "No fault.",
    ]


def test_unmarked_table_of_contents() -> None:
    text = (
        "Northshire District Council (23 004 512)\nThe complaint\nThe Ombudsman's role and powers"
        "\nWhat I found\nFinal decision\nSummary: Ms R complains.\nThe complaint\nMs R complains."
    )
    assert clean_lines(text) == [
        "Northshire District Council (23 004 512)",
        "Summary: Ms R complains.",
        "The complaint",
        "Ms R complains.",
    ]


def test_empty_and_garbage() -> None:
    assert clean_lines("") == []
    assert clean_lines("\n\n   \n") == []
    assert clean_lines("\x00\x01\x02") == []


ARTICLE_PAGE = """<!DOCTYPE html>
<html><head><title>Decision</title><script>var t = "Back to top";</script></head>
<body>
<div id="cookie-banner"><p>We use cookies to make this website work.</p>
<button>Accept all cookies</button></div>
<header class="site-header"><nav><a href="/">Home</a> <a href="/decisions">Decisions</a></nav>
</header>
<article id="article">
  <header>
    <h1>Northshire District Council (23 004 512)</h1>
    <dl>
      <dt>Category</dt>
      <dd><a href="/decisions/housing">Housing</a> &gt; <a href="#">Homelessness</a></dd>
      <dt>Decision</dt><dd>Upheld</dd>
      <dt>Decision date</dt><dd>12 March 2024</dd>
    </dl>
  </header>
  <div class="content">
    <p><strong>Summary:</strong> Ms R complains about a <em>delay</em>.</p>
    <h2>The complaint</h2>
    <ol><li>Ms R complains the Council took too long.</li><li>She says it hurt.</li></ol>
    <p class="back-to-top"><a href="#top">Back to top</a></p>
    <h2>Agreed action</h2>
    <ul><li>Apologise to Ms R.</li><li>Pay Ms R £350.</li></ul>
    <h2>Final decision</h2>
    <p>I have found fault<br>causing injustice.</p>
    <p>Investigator's decision on behalf of the Ombudsman</p>
  </div>
  <a class="print-link" href="#">Print this page</a>
</article>
<footer><p>Local Government and Social Care Ombudsman</p></footer>
</body></html>"""

ARTICLE_LINES = [
    "Northshire District Council (23 004 512)",
    "Category : Housing > Homelessness",
    "Decision : Upheld",
    "Decision date : 12 March 2024",
    "Summary: Ms R complains about a delay.",
    "The complaint",
    "1. Ms R complains the Council took too long.",
    "2. She says it hurt.",
    "Agreed action",
    "• Apologise to Ms R.",
    "• Pay Ms R £350.",
    "Final decision",
    "I have found fault",
    "causing injustice.",
]


def test_html_article() -> None:
    assert html_to_lines(ARTICLE_PAGE) == ARTICLE_LINES


def test_html_without_article_falls_back_to_body() -> None:
    page = ARTICLE_PAGE.replace('<article id="article">', "<div>").replace("</article>", "</div>")
    # The site header, nav, footer, cookie banner and print link are gone; the decision's own
    # header (its title and label pairs) sits in a plain <header> that is now indistinguishable
    # from site chrome, so only its title is recovered.
    assert html_to_lines(page) == [ARTICLE_LINES[0], *ARTICLE_LINES[4:]]


def test_html_in_main_keeps_its_header() -> None:
    page = ARTICLE_PAGE.replace('<article id="article">', "<main>").replace("</article>", "</main>")
    assert html_to_lines(page) == ARTICLE_LINES


def test_html_label_value_in_paragraphs_and_tables() -> None:
    page = """<article id="article"><h1>Acme Care Ltd (22 001 002)</h1>
    <p><strong>Category :</strong> Adult care services &gt; Residential care</p>
    <table><tr><th>Decision</th><td>Not upheld: no maladministration</td></tr>
    <tr><th>Decision date</th><td>01 February 2023</td></tr></table>
    <p>Summary: Mrs T complains.</p></article>"""
    assert html_to_lines(page) == [
        "Acme Care Ltd (22 001 002)",
        "Category : Adult care services > Residential care",
        "Decision : Not upheld: no maladministration",
        "Decision date : 01 February 2023",
        "Summary: Mrs T complains.",
    ]


def test_html_garbage() -> None:
    assert html_to_lines("") == []
    assert html_to_lines("<<<>>>&&&\x00") == ["<<<>>>&&&"]
    assert html_to_lines("<p>unclosed <b>tags") == ["unclosed tags"]


_WHITE = " \t\u00a0\u2000\u2005\u200a\u202f\u205f\u3000"


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from([*_WHITE, "a", "b", "\n", "."]), max_size=80))
def test_every_run_of_white_space_becomes_one_space(text: str) -> None:
    """_SPACES leaves a lone space alone for speed; the lines are as if every run were
    replaced."""
    every_run = re.sub(f"[{_WHITE}]+", " ", text)
    assert list(_raw_lines(text)) == [
        line.strip() for line in every_run.split("\n") if line.strip()
    ]
