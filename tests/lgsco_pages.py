"""Real LGSCO Report pages, rebuilt as the site serves them, from the shared corpus.

The twelve Reports in `../shared/corpus/lgsco-reports/records.jsonl` are the text a crawler took
from each page's `<article id="article">`, one line per element. `render_report` puts that text
back into the real site's page structure — site chrome (navigation, cookie banner, footer), the
title heading outside the article, the article's header of label/value pairs, the body as
headings, paragraphs and list items, "Print this page" — so the parser (and a crawler stand-in)
can be tested on pages shaped like the site's without copying the texts into the project: they
are read at test time, and a test skips, saying why, when the corpus is not there.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from tests.corpus import corpus_path

RECORDS = ("lgsco-reports", "records.jsonl")
SITE = "https://www.lgo.org.uk"
# The body's section headings on a Report page (each its own <h2>).
REPORT_HEADINGS = frozenset(
    {"Summary", "The complaint", "Finding", "Recommendations", "Further report"}
)
_HEADER_LABELS = ("Category :", "Decision :", "Decision date :")
_FURNITURE = frozenset({"Print this page"})


def report_records() -> list[dict[str, Any]]:
    """The twelve Reports (url, case_id, category, subcategory, outcome, date, text), in file
    order; skips the calling test when the shared corpus is absent."""
    path = corpus_path(*RECORDS)
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def report_record(case_id: str) -> dict[str, Any]:
    """One Report by its reference ("15 020 792")."""
    for record in report_records():
        if record["case_id"] == case_id:
            return record
    raise KeyError(case_id)


def split_report(text: str) -> tuple[dict[str, str], list[str]]:
    """The crawler's lines → ({label: value} of the article header, the body lines).

    The header arrives as "Category :", "Environment and regulation", ">", "Drainage",
    "Decision :", "Upheld", "Decision date :", "20 Dec 2016"; the category value keeps its
    " > " separator. "Print this page" is furniture and is left out of the body.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    header: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index] in _HEADER_LABELS:
        label = lines[index].rstrip(" :")
        value = lines[index + 1] if index + 1 < len(lines) else ""
        index += 2
        while index + 1 < len(lines) and lines[index] == ">":
            value = f"{value} > {lines[index + 1]}"
            index += 2
        header[label] = value
    body = [line for line in lines[index:] if line not in _FURNITURE]
    return header, body


def _header_html(header: dict[str, str], url: str) -> str:
    parts = []
    path = url.split("/decisions/", 1)[-1].split("/")
    for label, value in header.items():
        if label == "Category":
            names = value.split(" > ")
            links = [
                f'<a href="/decisions/{"/".join(path[: i + 1])}">{escape(name)}</a>'
                for i, name in enumerate(names)
            ]
            shown = " &gt; ".join(links)
        else:
            shown = escape(value)
        parts.append(
            f'<div class="decision-meta"><span class="label">{escape(label)} :</span> '
            f'<span class="value">{shown}</span></div>'
        )
    return '<header class="decision-header">' + "".join(parts) + "</header>"


def _body_html(lines: list[str]) -> str:
    """Headings as <h2>; in "Recommendations", a line ending in ":" opens a list whose items
    follow (as on the site); everything else a paragraph."""
    out: list[str] = []
    in_list = False
    in_recommendations = False
    for line in lines:
        text = escape(line)
        if line in REPORT_HEADINGS:
            if in_list:
                out.append("</ul>")
                in_list = False
            in_recommendations = line == "Recommendations"
            out.append(f"<h2>{text}</h2>")
            continue
        if line.startswith("Ombudsman satisfied with"):
            if in_list:
                out.append("</ul>")
                in_list = False
            out.append(f'<p class="compliance"><strong>{text}</strong></p>')
            continue
        if in_list and not line.endswith(":"):
            out.append(f"<li>{text}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        out.append(f"<p>{text}</p>")
        if in_recommendations and line.endswith(":"):
            out.append("<ul>")
            in_list = True
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def render_report(record: dict[str, Any], *, title: str | None = None, header: bool = True) -> str:
    """The Report's page as the site serves it.

    `title` is the heading above the article (outside it, as on the site); by default the bare
    reference in brackets, "(15 020 792)", which is all these old Reports show — pass
    "Body name (15 020 792)" for the newer title style. `header=False` leaves out the
    article's Category / Decision / Decision date pairs.
    """
    heading = title if title is not None else f"({record['case_id']})"
    fields, body = split_report(record["text"])
    head_html = _header_html(fields, record["url"]) if header else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(heading)} - Local Government and Social Care Ombudsman</title>
<link rel="stylesheet" href="/css/site.css">
</head>
<body>
<div id="cookie-banner" class="cookie-consent">
<p>We use cookies to make this website work and to understand how you use it.</p>
<button>Accept all cookies</button><button>Reject all cookies</button>
</div>
<header class="site-header">
<a class="logo" href="/"><img src="/logo.png" alt="LGO logo"></a>
<nav class="main-menu"><ul><li><a href="/decisions">Decisions</a></li>
<li><a href="/make-a-complaint">Make a complaint</a></li></ul></nav>
</header>
<main id="content">
<nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="/decisions">Decisions</a></nav>
<h1 class="page-title">{escape(heading)}</h1>
<article id="article">
{head_html}
<div class="decision-body">
{_body_html(body)}
</div>
<p><a class="print-link" href="javascript:window.print()">Print this page</a></p>
</article>
</main>
<footer class="site-footer"><p>Local Government and Social Care Ombudsman</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/accessibility">Accessibility</a></li></ul>
</footer>
</body>
</html>
"""
