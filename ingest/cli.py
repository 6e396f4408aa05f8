"""The `ombudsman` command: parse, ingest, reindex, check, serve, demo-data."""

from __future__ import annotations

import logging

import typer

from app.config import get_settings

cli = typer.Typer(
    name="ombudsman",
    help="Ombudsearch: parse, load and serve LGSCO decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@cli.callback()
def _group() -> None:
    """Ombudsearch: parse, load and serve LGSCO decisions."""


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)


@cli.command()
def serve(
    host: str | None = typer.Option(None, help="Address to bind (default: HOST setting)"),
    port: int | None = typer.Option(None, help="Port (default: PORT setting)"),
) -> None:
    """Serve the API: start the local services if needed, migrate, load the demo, listen."""
    import uvicorn

    from app import migrate
    from app.main import create_app
    from app.stack import local_services

    settings = get_settings()
    _configure_logging(settings.log_level)
    with local_services(settings) as services:
        migrate.upgrade(services.database_url)
        app = create_app(settings, services)
        uvicorn.run(
            app,
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
        )


def main() -> None:
    cli()
