"""Per-client rate limits, shared by every worker and replica that shares their storage.

The counting is the `limits` library's moving window: at most `limit` requests in any window
of `period` seconds, so a client may spend its allowance in a burst (a page of search results
fires several requests at once) and gets requests back as its oldest ones age out. Where the
counts live is RATE_LIMIT_STORAGE: `memory://` (the default) keeps them in each process, so
with WORKERS=N or N replicas a client may get N times the rate; a Redis or Valkey URI
(`redis://host:6379/0`) keeps one count per client for all of them. If that storage cannot be
reached, requests are served (logged, at most once a minute): a rate limit protects the
service, it must not take it down.

The client is the API key when the request carries `X-API-Key` (only its SHA-256 is kept or
logged, never the key itself), otherwise the remote address. `X-Forwarded-For` is believed only
when the peer is one of TRUSTED_PROXIES: anyone else could write any address there and get a
new bucket per request.

Rules: RATE_LIMIT for every route, RATE_LIMIT_EXPORT (stricter) for the expensive routes
(`/v1/decisions/export`, `/v1/stats`, and the explorer's `/` and `/councils/…`, which compute
stats), which draw from their own count. Health probes and
`/metrics` are never limited: an orchestrator or Prometheus must never be told to wait.

Every limited response carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
`RateLimit-Policy` (IETF draft-ietf-httpapi-ratelimit-headers), so clients can pace themselves;
a request over the limit gets a 429 problem+json with `Retry-After`.

This is a pure ASGI middleware, not a `BaseHTTPMiddleware`: it only adds headers to the start
message, so streamed exports go through chunk by chunk.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.asgi import app_path
from app.config import Settings
from app.problems import problem_response

log = logging.getLogger("ombudsearch.ratelimit")

#: Never limited: probes and metrics scraping must always get through.
# /mcp: its tools call /v1 in-process as the assistant's client, and those calls are limited.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/mcp"})
#: Routes that cost a full scan of the matching decisions: they get the stricter rule. The
#: explorer's search page and council profiles compute /v1/stats groupings (app/explorer).
EXPENSIVE_PATHS = frozenset({"/v1/decisions/export", "/v1/stats", "/"})
EXPENSIVE_PREFIXES = ("/councils/",)

RATE_PATTERN = r"^\s*[1-9][0-9]*\s*/\s*(second|minute|hour)\s*$"
_PERIODS = {"second": 1, "minute": 60, "hour": 3600}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Rule:
    """A limit: `limit` requests per `period` seconds, named for logs and the policy header."""

    name: str
    limit: int
    period: int

    @property
    def text(self) -> str:
        """The rule as configured, e.g. `600/minute`, for messages."""
        unit = {v: k for k, v in _PERIODS.items()}[self.period]
        return f"{self.limit}/{unit}"


def parse_rate(text: str, name: str = "default") -> Rule:
    """`"600/minute"` → Rule(limit=600, period=60); second, minute and hour are accepted."""
    if not re.fullmatch(RATE_PATTERN, text):
        raise ValueError(f"Rate limit {text!r} is not like '600/minute' (second, minute, hour)")
    count, unit = (part.strip() for part in text.split("/"))
    return Rule(name=name, limit=int(count), period=_PERIODS[unit])


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against a bucket, with what the headers need."""

    allowed: bool
    remaining: int
    reset_s: int  # seconds until the window has room again
    retry_after_s: int  # seconds until one more request is allowed (0 when allowed)


class RateLimiter:
    """Counts per (rule, client) in RATE_LIMIT_STORAGE, through `limits`' moving window."""

    def __init__(self, storage_uri: str = "memory://") -> None:
        uri = storage_uri if storage_uri.startswith("async+") else "async+" + storage_uri
        # Storage failures arrive as StorageError, whatever the backend (Redis, Valkey…).
        self.storage = storage_from_string(uri, wrap_exceptions=True)
        self._window = MovingWindowRateLimiter(self.storage)
        self._items: dict[Rule, RateLimitItem] = {}
        self._warned_at = -math.inf

    def _item(self, rule: Rule) -> RateLimitItem:
        item = self._items.get(rule)
        if item is None:
            item = self._items[rule] = parse(rule.text)
        return item

    async def hit(self, rule: Rule, client: str) -> Decision:
        """Count one request of `client` against `rule` if the window has room for it."""
        item = self._item(rule)
        try:
            allowed = await self._window.hit(item, rule.name, client)
            stats = await self._window.get_window_stats(item, rule.name, client)
        except StorageError as exc:  # storage down: serve, and say so now and then
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                log.warning("rate-limit storage unavailable (%s): requests not limited", exc)
            return Decision(True, rule.limit, rule.period, 0)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        return Decision(
            allowed=allowed,
            remaining=stats.remaining,
            reset_s=min(wait, rule.period),
            retry_after_s=0 if allowed else min(wait, rule.period),
        )


def _networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks: a bare address is a /32 (or /128)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(scope: Scope, trusted: tuple[Network, ...]) -> str:
    """The remote address, looking through trusted proxies.

    `X-Forwarded-For` is read right to left (each proxy appends the address it saw) and the
    first address that is not a trusted proxy is the client; only when the peer itself is
    trusted, since anyone else can write what they like in that header.
    """
    peer = scope.get("client")
    address = peer[0] if peer else "unknown"
    if not trusted or not _is_trusted(address, trusted):
        return address
    forwarded = ",".join(Headers(scope=scope).getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else address


def key_hash(api_key: str) -> str:
    """Keys are kept and logged only as this, so neither memory dumps nor logs hold them."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:32]


def client_id(scope: Scope, trusted: tuple[Network, ...], known_keys: frozenset[str]) -> str:
    """Whom the request counts against: `key:<hash>` for a known API key, else `ip:<address>`.

    Only keys listed in RATE_LIMIT_API_KEYS get a bucket of their own: were any key enough,
    a client could dodge its limit by sending a new made-up key with every request.
    """
    api_key = Headers(scope=scope).get("x-api-key")
    if api_key and key_hash(api_key) in known_keys:
        return "key:" + key_hash(api_key)
    return "ip:" + client_address(scope, trusted)


def _headers(rule: Rule, decision: Decision) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(rule.limit),
        "RateLimit-Remaining": str(decision.remaining),
        "RateLimit-Reset": str(decision.reset_s),
        "RateLimit-Policy": f"{rule.limit};w={rule.period}",
    }


class RateLimitMiddleware:
    """Applies the configured rules to every HTTP request except the exempt paths.

    Added innermost (before CORS in `create_app`), so a 429 still gets CORS, caching
    (`no-store`) and request-id headers from the middleware around it.
    """

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.enabled = settings.rate_limit_enabled
        self.general = parse_rate(settings.rate_limit, "general")
        self.expensive = parse_rate(settings.rate_limit_export, "export")
        self.trusted = _networks(settings.trusted_proxies)
        self.known_keys = frozenset(
            key_hash(key.get_secret_value()) for key in settings.rate_limit_api_keys
        )
        self.limiter = limiter or RateLimiter(settings.rate_limit_storage)

    def rule_for(self, path: str) -> Rule | None:
        """The rule for a path, or None for the paths that are never limited."""
        if path in EXEMPT_PATHS:
            return None
        if path in EXPENSIVE_PATHS or path.startswith(EXPENSIVE_PREFIXES):
            return self.expensive
        return self.general

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.rule_for(app_path(scope))
        if rule is None:
            await self.app(scope, receive, send)
            return
        client = client_id(scope, self.trusted, self.known_keys)
        decision = await self.limiter.hit(rule, client)
        headers = _headers(rule, decision)
        if not decision.allowed:
            log.info("rate limited %s on %s (%s)", client, rule.name, rule.text)
            headers["Retry-After"] = str(decision.retry_after_s)
            response = problem_response(
                Request(scope),
                429,
                f"Rate limit of {rule.text} exceeded; retry in {decision.retry_after_s} "
                f"second{'s' if decision.retry_after_s != 1 else ''}.",
                type="/problems/rate-limited",
                title="Too Many Requests",
                headers=headers,
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableHeaders(scope=message)
                for name, value in headers.items():
                    mutable[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
