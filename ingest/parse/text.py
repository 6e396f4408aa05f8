"""Decision pages (copied text or HTML) → clean lines without page furniture.

Both input kinds end up as the same list of lines, so the header, section and remedy readers
see one format. Furniture ("Back to top", "Print this page", cookie banners, tables of
contents, the signature line) is removed here, once, so it can never leak into `body`, a
section, or a remedy sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.parse.sections import heading_key, section_for_heading

# The title line "Body name (17 015 692)" — or "(17 002 402b)", or for old Reports just the bare
# reference "15 020 792" (BARE_TITLE_RE): then the page names no body.
_TITLE_REF = r"(?P<ref>\d{2}[ -]?\d{3}[ -]?\d{3})(?P<suffix>[a-zA-Z])?"
TITLE_RE = re.compile(rf"^(?P<name>.*?)\s*\(\s*{_TITLE_REF}\s*\)\s*$")
BARE_TITLE_RE = re.compile(rf"^{_TITLE_REF}$")


def title_match(line: str) -> re.Match[str] | None:
    """The title line's match (groups `ref`, `suffix` and, unless bare, `name`), or None."""
    if len(line) > 300 or not line.endswith(")"):
        return BARE_TITLE_RE.match(line) if len(line) <= 12 else None
    return TITLE_RE.match(line)


# Lines that are furniture wherever they occur (compared by `heading_key`).
_DROP_LINES = frozenset(
    {
        "back to top",
        "return to top",
        "top of page",
        "print this page",
        "print",
        "skip to main content",
        "skip to content",
        "share this page",
        "share",
        "email this page",
        "lgo logogram",
        "lgo logo",
        "print decision",
        "download decision",
    }
)
# Lines that open a cookie banner or the site footer: the decision is over (or, before the
# decision has begun, a banner to skip until decision text resumes).
_COOKIE_START = re.compile(
    r"^(?:review your privacy settings|privacy settings|required cookies|analytical cookies"
    r"|cookie settings|cookie preferences|manage cookies|accept all cookies|reject all cookies"
    r"|accept cookies|view required cookies|view analytical cookies|cookies on (?:this|our) "
    r"(?:website|site)|we use cookies|this (?:web)?site uses cookies|we'd like to set"
    r"|your cookie preferences)",
)
_COOKIE_LINE = re.compile(r"\bcookies?\b.*\b(?:website|browser|accept|consent|analytics|settings)")
_SIGNATURE_RE = re.compile(r"^[\w' -]{0,60}decision on behalf of the ombudsman\.?$")
_TOC_START = frozenset({"contents", "table of contents", "on this page", "in this decision"})
# Runs of white space become one space. A lone space is left alone (it already is one), so the
# pattern matches two or more, or one of the others: a decision has thousands of single spaces,
# and substituting each for itself took a third more time.
_SPACES = re.compile(
    r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHORT = 120
_SUMMARY_RE = re.compile(r"^summary\s*[:.\-–]?", re.IGNORECASE)


def _raw_lines(text: str) -> Iterator[str]:
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    for raw in _SPACES.sub(" ", text).split("\n"):  # one pass over the text, not per line
        line = raw.strip()
        if line:
            yield line


def _is_toc_entry(line: str) -> bool:
    """A table-of-contents entry: a short line that is a known heading or ends without a stop
    ("Summary" is an entry, "Summary: Mrs B complains…" is the decision itself)."""
    if _SUMMARY_RE.match(line):
        return heading_key(line) == "summary"
    return section_for_heading(line) is not None or (
        len(line) <= 80 and not line.endswith((".", ":", ";"))
    )


def clean_lines(text: str) -> list[str]:
    """The decision's lines, stripped and whitespace-normalised, furniture removed.

    Everything before the title line `Name (NN NNN NNN)` is site chrome and dropped (when there
    is a title); the decision ends at its signature line or at the first cookie-banner line
    after a section heading.
    """
    lines = list(_raw_lines(text))
    for index, line in enumerate(lines[:200]):
        if title_match(line):
            lines = lines[index:]
            break

    out: list[str] = []
    seen_heading = False
    skipping_banner = False
    in_toc = False
    toc_entries: set[str] = set()
    for line in lines:
        # Furniture, headings and signatures are short: long paragraphs skip those checks.
        short = len(line) <= _SHORT
        key = heading_key(line) if short else line.lower()
        if short and key in _DROP_LINES:
            continue
        if short and _SIGNATURE_RE.match(key):
            break
        if (short and _COOKIE_START.match(key)) or (
            "cookie" in key and len(line) < 400 and _COOKIE_LINE.search(key)
        ):
            if seen_heading:
                break
            skipping_banner = True
            continue
        is_heading = short and section_for_heading(line) is not None
        if skipping_banner:
            if not (is_heading or title_match(line) or _SUMMARY_RE.match(line)):
                continue
            skipping_banner = False
        if key in _TOC_START and not seen_heading:
            in_toc = True
            continue
        if in_toc:
            # An entry seen twice is the real heading: the contents list is over.
            if key not in toc_entries and _is_toc_entry(line):
                toc_entries.add(key)
                continue
            in_toc = False
        seen_heading = seen_heading or is_heading
        out.append(line)
    return _drop_unmarked_toc(out)


def _drop_unmarked_toc(lines: list[str]) -> list[str]:
    """Remove a run of three or more consecutive known headings before the first section.

    A table of contents without a "Contents" marker looks exactly like that: headings with no
    text between them, each repeated later where its section really starts.
    """
    run_start = None
    for index, line in enumerate(lines):
        if section_for_heading(line) is not None:
            if run_start is None:
                run_start = index
            continue
        if run_start is not None:
            if index - run_start >= 3:
                return lines[:run_start] + lines[index:]
            return lines  # the first heading run is a real section start
    return lines


# --- HTML -------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "aside", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "thead", "tbody",
        "tfoot", "tr", "hr", "figure", "figcaption", "address", "details", "summary",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav",
        "footer", "select", "input", "textarea", "head", "title", "meta", "link", "img",
    }
)  # fmt: skip
_FURNITURE_ATTR = re.compile(
    r"cookie|consent|gdpr|breadcrumb|skip-?link|share|social|back-?to-?top|print"
    r"|table-of-contents|\btoc\b|on-this-page|site-header|site-footer|navbar|menu",
    re.IGNORECASE,
)


class _LineWriter:
    """Accumulates inline text into lines; block boundaries end the current line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []

    def text(self, value: str) -> None:
        self._parts.append(value)

    def newline(self) -> None:
        line = _SPACES.sub(" ", "".join(self._parts).replace("\n", " ")).strip()
        self._parts = []
        if line:
            self.lines.append(line)


def _is_furniture(node: LexborNode) -> bool:
    attrs = node.attributes
    marker = f"{attrs.get('id') or ''} {attrs.get('class') or ''} {attrs.get('role') or ''}"
    return marker.strip() != "" and _FURNITURE_ATTR.search(marker) is not None


def _walk(node: LexborNode, out: _LineWriter, in_content: bool) -> None:
    """Write `node`'s visible text; `in_content` is true inside an article or main element,
    where a <header> holds the decision's title and label/value pairs rather than site chrome.
    """
    for child in node.iter(include_text=True):
        tag = child.tag or ""
        if tag == "-text":
            out.text(child.text(deep=False) or "")
            continue
        if tag.startswith("-") or tag in _SKIP_TAGS or (tag == "header" and not in_content):
            continue
        if _is_furniture(child):
            continue
        inner = in_content or tag in ("article", "main")
        if tag == "br":
            out.newline()
        elif tag == "li":
            out.newline()
            out.text(_list_marker(child))
            _walk(child, out, inner)
            out.newline()
        elif tag in ("dt", "th", "td", "dd"):
            _cell(child, out, inner)
        elif tag in _BLOCK_TAGS:
            out.newline()
            _walk(child, out, inner)
            out.newline()
        else:
            _walk(child, out, inner)


def _list_marker(item: LexborNode) -> str:
    parent = item.parent
    if parent is not None and parent.tag == "ol":
        number = 1
        sibling = item.prev
        while sibling is not None:
            if sibling.tag == "li":
                number += 1
            sibling = sibling.prev
        return f"{number}. "
    return "• "


def _cell(node: LexborNode, out: _LineWriter, in_content: bool) -> None:
    """dt/dd and th/td pairs become one "Label : value" line, as the text layout writes them."""
    tag = node.tag
    if tag in ("dt", "th") or (tag == "td" and node.prev is None):
        out.newline()
    else:
        out.text(" : ")
    _walk(node, out, in_content)
    if tag == "dd" or (tag in ("td", "th") and node.next is None):
        out.newline()


_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—]\s+")


def _as_title(value: str) -> tuple[str, bool] | None:
    """ "Body (17 002 402b)" / "(15 020 792)" / "15 020 792" as a title line, and whether it
    names a body; None if `value` is no title."""
    match = title_match(value)
    if match is None:
        return None
    name = (match.groupdict().get("name") or "").strip()
    ref = match.group("ref") + (match.group("suffix") or "")
    return (f"{name} ({ref})" if name else f"({ref})"), bool(name)


def _title_from(tree: LexborHTMLParser) -> tuple[str, bool] | None:
    """The page's title line from any heading h1–h6 or the `<title>` element (whose text may
    carry the site's name after " - " or " | "), wherever it is on the page: a title that
    names the body beats a bare reference."""
    bare: tuple[str, bool] | None = None
    candidates = [
        _SPACES.sub(" ", node.text(deep=True) or "").strip()
        for node in tree.css("h1, h2, h3, h4, h5, h6")
    ]
    title = tree.css_first("title")
    if title is not None:
        text = _SPACES.sub(" ", title.text(deep=True) or "").strip()
        candidates.extend(part.strip() for part in _TITLE_SEPARATORS.split(text))
    for value in candidates:
        found = _as_title(value)
        if found is None:
            continue
        if found[1]:
            return found
        bare = bare or found
    return bare


def html_to_lines(html: str) -> list[str]:
    """Visible decision text of an HTML page, one paragraph / list item / table row a line.

    Prefers `<article id="article">` (LGSCO's decision container, whose header carries the
    Category / Decision / Decision date pairs); otherwise walks the whole body, leaving out
    navigation, page header and footer, scripts and anything marked as cookie/share/print
    furniture. The result still goes through `clean_lines`.
    """
    tree = LexborHTMLParser(html)
    article = tree.css_first("article#article") or tree.css_first("#article")
    root = article or tree.body or tree.root
    if root is None:
        return []
    out = _LineWriter()
    _walk(root, out, in_content=article is not None)
    out.newline()
    lines = out.lines
    title = _title_from(tree)
    if title is not None:
        stated = [found for line in lines[:50] if (found := _as_title(line)) is not None]
        if not stated or (title[1] and not stated[0][1]):
            lines.insert(0, title[0])
    return clean_lines("\n".join(lines))
