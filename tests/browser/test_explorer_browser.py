"""The explorer as a person sees it, in headless Chromium: search, narrow, open, download.

What only a browser can show: the stylesheet and script load under the page's
Content-Security-Policy (no console errors), the search form and facet links lead where they
say, the council type-ahead fills its list from /v1/councils, and a phone-sized window needs no
sideways scrolling. The screenshots (tests/.artifacts/screenshots/) include the two the README
shows (`readme-search.png`, `readme-decision.png`; tools/screenshots copies them to docs/).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
from selenium.webdriver import Chrome
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.conftest import DEMO_COUNT, console_errors, screenshot

WORD = "education"  # in about a fifth of the demo decisions
README_HEIGHT = 1440  # the README's crops, kept near 300 KB each
WAIT_S = 30  # an upper bound on waiting for a page or a fetch, not a measured duration


def css(driver: Chrome | WebElement, selector: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver: Chrome | WebElement, selector: str) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, selector)


def wait_for_url(driver: Chrome, part: str) -> dict[str, list[str]]:
    """Wait until the address bar holds `part`; return its query parameters."""
    WebDriverWait(driver, WAIT_S).until(expected_conditions.url_contains(part))
    return parse_qs(urlsplit(driver.current_url).query)


def total_shown(driver: Chrome) -> int:
    """The count of matching decisions the page states ("1,234 decisions…")."""
    return int(css(driver, "p.total strong").text.replace(",", ""))


def test_search_narrow_and_open_a_decision(desk: Chrome, explorer: str) -> None:
    desk.get(f"{explorer}/")
    assert desk.title == f"{DEMO_COUNT:,} decisions · Ombudsearch"
    assert css(desk, "h1").text == "Search ombudsman decisions"
    assert total_shown(desk) == DEMO_COUNT
    # The stylesheet applied: the header is dark, not the browser's transparent default.
    header = css(desk, "header.site").value_of_css_property("background-color")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), header
    assert console_errors(desk) == []
    screenshot(desk, "search-start")

    # Words: typed into the box, Enter submits the form.
    css(desk, "input#q").send_keys(WORD, Keys.ENTER)
    assert wait_for_url(desk, "q=")["q"] == [WORD]
    words_total = total_shown(desk)
    assert 0 < words_total < DEMO_COUNT
    hits = all_css(desk, "ol.hits li.hit")
    assert 0 < len(hits) <= 20
    marks = [mark for mark in all_css(desk, "ol.hits li.hit mark") if mark.is_displayed()]
    assert marks, "no highlighted words in the results"
    assert all(mark.text.lower().startswith(WORD[:5]) for mark in marks), [m.text for m in marks]
    assert css(desk, "input#q").get_attribute("value") == WORD

    # A facet: its count is the new total, and the filter shows as a chip one can remove.
    facet = css(desk, 'a.facet-value[data-facet="outcome"]')
    label = facet.text
    facet_count = int(css(facet.find_element(By.XPATH, ".."), "span.count").text.replace(",", ""))
    facet.click()
    query = wait_for_url(desk, "outcome=")
    assert query["q"] == [WORD]
    (outcome,) = query["outcome"]
    assert total_shown(desk) == facet_count <= words_total
    chips = [chip.text for chip in all_css(desk, "ul.active li")]
    assert f"Words: {WORD} ×" in chips, chips
    assert f"Outcome: {label} ×" in chips, chips
    assert css(desk, "select#outcome").get_attribute("value") == outcome

    # Downloads: the same query string sent to the API's endpoints.
    anchors = all_css(desk, "p.query-downloads a")
    links = {a.text: urlsplit(a.get_attribute("href") or "") for a in anchors}
    assert set(links) == {"JSON", "CSV", "NDJSON", "Atom feed"}
    assert links["JSON"].path == "/v1/decisions"
    assert links["CSV"].path == links["NDJSON"].path == "/v1/decisions/export"
    assert parse_qs(links["NDJSON"].query)["format"] == ["ndjson"]
    assert links["Atom feed"].path == "/v1/decisions/feed.atom"
    for link in links.values():
        assert parse_qs(link.query)["q"] == [WORD], link
        assert parse_qs(link.query)["outcome"] == [outcome], link
    answer = httpx.get(links["JSON"].geturl(), timeout=WAIT_S)
    assert answer.json()["meta"]["total"] == facet_count  # the page and the API agree
    assert console_errors(desk) == []
    screenshot(desk, "search-narrowed")
    screenshot(desk, "readme-search", height=README_HEIGHT)

    # Largest remedy first, so the decision opened has payments to show.
    css(desk, "p.sorts").find_element(By.LINK_TEXT, "Largest remedy").click()
    query = wait_for_url(desk, "sort=-remedy_total")
    assert (query["q"], query["outcome"]) == ([WORD], [outcome])
    first = css(desk, "ol.hits li.hit")
    council = css(first, "h3 a").text
    reference = css(first, "h3 .reference").text
    remedy = css(first, ".meta .money").text
    assert remedy.startswith("£"), remedy
    css(first, "h3 a").click()

    title = WebDriverWait(desk, WAIT_S).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "h1#decision-title"))
    )
    assert title.text == f"{council} {reference}"
    assert desk.title == f"{council} ({reference}) · Ombudsearch"
    assert urlsplit(desk.current_url).path == f"/decisions/{reference.replace(' ', '-')}"
    notice = css(desk, ".synthetic-notice")
    assert notice.is_displayed()
    assert "Fictional demo record" in notice.text
    payments = css(desk, "table.payments")
    assert all_css(payments, "tbody tr"), "a decision with a remedy lists its payments"
    total_row = css(payments, "tfoot tr")
    assert css(total_row, "th").text == "Total asked for"
    assert css(total_row, "td.money").text == remedy
    assert console_errors(desk) == []
    screenshot(desk, "decision")
    screenshot(desk, "readme-decision", height=README_HEIGHT)

    # The council type-ahead: three letters fill the field's suggestions from /v1/councils.
    desk.back()
    field = WebDriverWait(desk, WAIT_S).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "input#council"))
    )
    field.send_keys(council[:3])
    WebDriverWait(desk, WAIT_S).until(lambda d: all_css(d, "#council-options option"))
    options = all_css(desk, "#council-options option")
    slugs = [option.get_attribute("value") or "" for option in options]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs), slugs
    names = [option.get_attribute("textContent") or "" for option in options]
    assert any(name.startswith(council[:3]) for name in names), (council[:3], names)
    assert console_errors(desk) == []


def test_phone_fits_and_keyboard_skips_to_content(phone: Chrome, explorer: str) -> None:
    phone.get(f"{explorer}/?q={WORD}")
    width = "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scroll_width, client_width = phone.execute_script(width)
    assert client_width <= 390
    assert scroll_width <= client_width, "the search page scrolls sideways on a phone"
    screenshot(phone, "phone-search")

    # Tab from the top of the page: the skip link comes first, shows, and jumps to <main>.
    ActionChains(phone).send_keys(Keys.TAB).perform()
    focused = phone.switch_to.active_element
    assert focused.get_attribute("class") == "skip"
    assert focused.text == "Skip to content"
    assert focused.location["x"] >= 0, "the focused skip link is off screen"
    focused.send_keys(Keys.ENTER)
    assert phone.switch_to.active_element.get_attribute("id") == "main"

    css(phone, "ol.hits li.hit h3 a").click()
    WebDriverWait(phone, WAIT_S).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "h1#decision-title"))
    )
    scroll_width, client_width = phone.execute_script(width)
    assert scroll_width <= client_width, "the decision page scrolls sideways on a phone"
    assert console_errors(phone) == []
    screenshot(phone, "phone-decision")
