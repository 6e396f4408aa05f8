"""The search-only Meilisearch key the request path uses: never the master key.

Meilisearch derives a key's value from its uid and the master key (HMAC-SHA256), so the value
is known before the key exists: the app computes it at start-up, creates the key (idempotently,
with the master key, which goes no further), and serves with a key that can only search its
own index — a leaked key cannot change or delete anything.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from app.search.client import MeiliClient, MeiliError


def search_key_uid(index: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ombudsearch:search:{index}"))


def search_key(master_key: str, index: str) -> str:
    """The value Meilisearch gives the search key of `index` (HMAC-SHA256 of its uid)."""
    return hmac.new(master_key.encode(), search_key_uid(index).encode(), hashlib.sha256).hexdigest()


async def ensure_search_key(admin: MeiliClient, index: str) -> None:
    """Create the search-only key of `index` if it does not exist yet."""
    try:
        await admin.request(
            "POST",
            "/keys",
            {
                "uid": search_key_uid(index),
                "name": f"ombudsearch search: {index}",
                "description": "Search only, for the API's request path",
                "actions": ["search"],
                "indexes": [index],
                "expiresAt": None,
            },
        )
    except MeiliError as exc:
        if exc.code != "api_key_already_exists":
            raise


async def delete_search_key(admin: MeiliClient, index: str) -> None:
    try:
        await admin.request("DELETE", f"/keys/{search_key_uid(index)}")
    except MeiliError as exc:
        if exc.code != "api_key_not_found":
            raise
