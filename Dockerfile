# Production image: the API only. PostgreSQL and Meilisearch run as their own services
# (docker-compose.yml), so the embedded-postgres extra and the npm Meilisearch are not installed.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000

WORKDIR /srv/ombudsearch

COPY requirements-prod.lock ./
RUN pip install --require-hashes -r requirements-prod.lock

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY ingest ./ingest
COPY migrations ./migrations
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --no-create-home ombudsearch

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["ombudsman", "serve"]
