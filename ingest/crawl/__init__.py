"""Keeping the database current from the LGSCO website: `ombudsman crawl`.

client.py   the polite HTTP client (rate limit, retries with backoff, conditional requests)
listing.py  the search-results pages: result count, decision links, listing metadata
state.py    what was crawled, in PostgreSQL (resume, incremental runs)
run.py      windows → listing pages → decision pages → the loader
"""
