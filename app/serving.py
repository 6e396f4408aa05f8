"""The app as `ombudsman serve --workers N` runs it: each uvicorn worker process builds its own
from the environment, where the parent has written the services it found or started
(DATABASE_URL, MEILI_URL, MEILI_MASTER_KEY). Workers share nothing in memory; what must be
shared (rate-limit counts) lives in RATE_LIMIT_STORAGE."""

from __future__ import annotations

from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.stack import Services


def app_from_environment() -> FastAPI:
    """uvicorn's factory (`app.serving:app_from_environment`) for each worker."""
    settings = Settings()
    if not (settings.database_url and settings.meili_url):
        raise RuntimeError("workers need DATABASE_URL and MEILI_URL (ombudsman serve sets them)")
    key = settings.meili_master_key.get_secret_value() if settings.meili_master_key else None
    return create_app(settings, Services(settings.database_url, settings.meili_url, key))
