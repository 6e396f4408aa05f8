"""Per-client rate limits: a token bucket per client and rule, in memory, per process.

Why a token bucket: it lets a client spend its whole allowance in a burst (a page of search
results fires several requests at once) and then refills it steadily, so a well-behaved client
never waits while a scraper that keeps hammering is held to the configured rate. It needs two
numbers per client (tokens left, time of the last refill), so 100,000 clients fit in a few
megabytes; the least recently seen clients are dropped beyond that, which costs them nothing
but a fresh (full) bucket.

The client is the API key when the request carries `X-API-Key` (only its SHA-256 is kept or
logged, never the key itself), otherwise the remote address. `X-Forwarded-For` is believed only
when the peer is one of TRUSTED_PROXIES: anyone else could write any address there and get a
new bucket per request.

Rules: RATE_LIMIT for every route, RATE_LIMIT_EXPORT (stricter) for the expensive routes
(`/v1/decisions/export`, `/v1/stats`, and the explorer's `/` and `/councils/…`, which compute
stats), which draw from their own bucket. Health probes and
`/metrics` are never limited: an orchestrator or Prometheus must never be told to wait.

Every limited response carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
`RateLimit-Policy` (IETF draft-ietf-httpapi-ratelimit-headers), so clients can pace themselves;
a request over the limit gets a 429 problem+json with `Retry-After`.

This is a pure ASGI middleware, not a `BaseHTTPMiddleware`: it only adds headers to the start
message, so streamed exports go through chunk by chunk. The limits are per process: with N
workers a client may get up to N times the rate, which is acceptable for abuse protection (and
why the defaults are generous).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
#: Buckets kept at most; the least recently used are dropped beyond this.
MAX_CLIENTS = 100_000

RATE_PATTERN = r"^\s*[1-9][0-9]*\s*/\s*(second|minute|hour)\s*$"
_PERIODS = {"second": 1, "minute": 60, "hour": 3600}

Clock = Callable[[], float]
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
    reset_s: int  # seconds until the bucket is full again
    retry_after_s: int  # seconds until one more request is allowed (0 when allowed)


class RateLimiter:
    """Token buckets keyed by (rule, client), least recently used evicted beyond `max_clients`.

    Not locked: it is used from one event loop and `hit` never awaits, so no two updates of a
    bucket can interleave. `clock` is injectable so tests can move time without sleeping.
    """

    def __init__(self, max_clients: int = MAX_CLIENTS, clock: Clock = time.monotonic) -> None:
        self.max_clients = max_clients
        self.clock = clock
        # (rule name, client) → (tokens, time of last refill)
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, rule: Rule, client: str) -> Decision:
        """Take one token from the client's bucket for `rule` if there is one."""
        now = self.clock()
        key = (rule.name, client)
        rate = rule.limit / rule.period  # tokens per second
        tokens, last = self._buckets.pop(key, (float(rule.limit), now))
        tokens = min(float(rule.limit), tokens + max(0.0, now - last) * rate)
        tokens = round(tokens, 9)  # 0.95 + 0.05 must make a whole token, not 0.999…
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)  # re-inserted last: most recently used
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        retry_after = 0 if allowed else math.ceil((1.0 - tokens) / rate)
        return Decision(
            allowed=allowed,
            remaining=int(tokens),
            reset_s=math.ceil((rule.limit - tokens) / rate),
            retry_after_s=max(retry_after, 0 if allowed else 1),
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
        self.limiter = limiter if limiter is not None else RateLimiter()  # empty is falsy

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
        decision = self.limiter.hit(rule, client)
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
