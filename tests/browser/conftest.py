"""A real browser on the explorer: Debian's headless Chromium driven through chromedriver.

`make test` installs `chromium` and `chromium-driver` with apt (`make browser`); where they are
missing or cannot start (no root, no network), every test here skips with the reason and the
rest of the suite runs. Selenium is given both paths, so Selenium Manager never looks for (or
downloads) a driver of its own.

The explorer is served by a real uvicorn server on a free port of 127.0.0.1, in a thread, over
a database and index of its own holding synthetic demo decisions (fictional councils only).
Screenshots go to tests/.artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import base64
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver import Chrome
from selenium.webdriver.chrome.service import Service

from app.config import PROJECT_ROOT, Settings
from app.db import make_engine
from app.main import create_app
from app.search.client import MeiliClient
from app.search.index import delete_index, ensure_index
from app.search.keys import delete_search_key
from app.stack import Services
from ingest.demo import write_jsonl
from ingest.documents import iter_raw_documents
from ingest.load import Loader
from tests.conftest import scratch_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT_ROOT / "tests" / ".artifacts" / "screenshots"
DEMO_COUNT = 300
DESK = (1280, 2400)
# What Chromium needs on a closed network, as root: no sandbox, and none of the background
# connections (updates, sync, QUIC probes) that the network refuses.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

Browser = Callable[[tuple[int, int]], Chrome]


def start_chromium(profile: Path, size: tuple[int, int]) -> Chrome:
    """Headless Chromium with a fresh profile, recording the page's console messages."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    window = f"--window-size={size[0]},{size[1]}"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", window):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Starts browsers; skips (with why) when Chromium or its driver is missing or won't run."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.skip(
            f"browser tests need Debian's chromium and chromium-driver; missing: "
            f"{', '.join(missing)} (`make browser` installs them with apt, as root)"
        )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")  # were Selenium Manager consulted: never download
        try:
            start_chromium(tmp_path_factory.mktemp("chromium-probe"), (800, 600)).quit()
        except WebDriverException as exc:
            pytest.skip(f"Chromium is installed but does not start: {exc.msg}")

        def start(size: tuple[int, int]) -> Chrome:
            return start_chromium(tmp_path_factory.mktemp("chromium-profile"), size)

        yield start


@pytest.fixture
def desk(chromium: Browser) -> Iterator[Chrome]:
    """A desktop-sized browser, tall enough for most pages to fit one screenshot."""
    driver = chromium(DESK)
    yield driver
    driver.quit()


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Chrome]:
    """A phone-sized page (390 × 844 CSS pixels, an ordinary phone held upright).

    Emulated through DevTools: a headless window is never narrower than 500 pixels.
    """
    driver = chromium((390, 844))
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    yield driver
    driver.quit()


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn (lifespan included) in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", log_config=None, timeout_graceful_shutdown=5)
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="explorer-uvicorn", daemon=True
    )
    thread.start()
    try:
        while not server.started:  # a start-up that fails ends the thread
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped before serving the explorer")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "uvicorn did not stop within 30 s"
        sock.close()


@pytest.fixture(scope="module")
async def explorer(
    chromium: Browser,
    settings: Settings,
    services: Services,
    template_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[str]:
    """Base URL of the explorer over DEMO_COUNT synthetic decisions, once per module."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    corpus = tmp_path_factory.mktemp("demo") / "demo.jsonl"
    write_jsonl(corpus, DEMO_COUNT, seed=0)
    with scratch_database(services, name, template_database) as url:
        engine = make_engine(url, pool_size=2)
        async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
            await ensure_index(meili, name)
            summary = await Loader(engine, meili, name).load(iter_raw_documents(corpus))
            assert (summary.created, summary.failed) == (DEMO_COUNT, 0), summary.failures
            app = create_app(
                settings.model_copy(update={"meili_index": name}),
                replace(services, database_url=url),
            )
            with serving(app) as base:
                yield base
            await delete_index(meili, name)
            await delete_search_key(meili, name)
        engine.dispose()


def screenshot(driver: Chrome, name: str, *, height: int | None = None) -> Path:
    """Save the page as tests/.artifacts/screenshots/NAME.png: whole, or its top `height` px.

    Chromium's own capture (DevTools) beyond the window, so a long page is not cut at the
    window's bottom edge.
    """
    size: dict[str, Any] = driver.execute_script(
        "return {width: window.innerWidth, height: document.documentElement.scrollHeight}"
    )
    clip = {
        "x": 0,
        "y": 0,
        "width": size["width"],
        "height": min(size["height"], height or size["height"]),
        "scale": 1,
    }
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.read_bytes().startswith(b"\x89PNG"), path
    return path


def console_errors(driver: Chrome) -> list[str]:
    """Console messages since the last call that are errors, or any CSP complaint."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]
