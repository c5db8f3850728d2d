"""A real headless Chromium (Debian's package) driven by Playwright against the live test server.

Each page records console errors, CSP violations and any request to another host; tests assert
none happened. Screenshots go to var/screenshots/ (kept by CI as artefacts).
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

SCREENSHOTS = Path(os.environ.get("DXBOARD_SCREENSHOTS", "var/screenshots"))
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Browser tests need Debian's chromium package (apt-get install chromium); "
                    "`make test` installs it when run as root.")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


class Watched:
    """A page plus what went wrong on it."""

    def __init__(self, page, server_url: str):
        self.page = page
        self.errors: list[str] = []
        self.foreign: list[str] = []
        host = urlparse(server_url).hostname
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_request(request):
            url = urlparse(request.url)
            if url.scheme in ("http", "https") and url.hostname != host:
                self.foreign.append(request.url)

        page.on("request", on_request)

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.foreign, f"requests to other hosts: {self.foreign}"


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def _open(viewport=None, locale="vi-VN") -> Watched:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale=locale)
        contexts.append(context)
        return Watched(context.new_page(), live_server.url)

    yield _open
    for context in contexts:
        context.close()
