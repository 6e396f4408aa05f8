"""Keeping the database current from the LGSCO website: `ombudsman crawl`.

client.py    the polite HTTP client (rate limit, retries with backoff, conditional requests)
robots.py    robots.txt, read once per crawl and obeyed (Disallow, Crawl-delay)
listing.py   the search-results pages: result count, decision links, listing metadata, and the
             canonical URL of a decision
chapters.py  reports split into chapters (?chapter=N), joined into one document
state.py     what was crawled, in PostgreSQL (resume, incremental runs, removed decisions)
run.py       windows → listing pages → decision pages → the loader
probe.py     `crawl --probe`: does the site still look the way the crawler reads it?
"""
