"""A real headless Chromium (Debian's package) driven by Playwright against the live test server.

Each page records console errors, CSP violations and any request to another host; tests assert
none happened. Screenshots go to var/screenshots/ (kept by CI as artefacts).
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

SCREENSHOTS = Path(os.environ.get("DXBOARD_SCREENSHOTS", "var/screenshots"))
PHONE = {"width": 390, "height": 844}


class Watched:
    """A page plus what went wrong on it."""

    def __init__(self, page, server_url: str):
        self.page = page
        self.errors: list[str] = []
        self.foreign: list[str] = []
        host = urlparse(server_url).hostname
        # each error names the page it happened on, so a journey's failure says which step broke
        page.on("console", lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))

        def on_request(request):
            url = urlparse(request.url)
            if url.scheme in ("http", "https") and url.hostname != host:
                self.foreign.append(request.url)

        page.on("request", on_request)

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret leaves an empty style attribute on the page's inputs, which
        # htmx then copies onto swapped-in elements, a CSP violation the page itself never causes
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")

    def assert_clean(self) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.foreign, f"requests to other hosts: {self.foreign}"


LINKS_JS = """els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"""
IDS_JS = """els => els.map(e => e.id)"""


class Journey:
    """One role walking its main path. `step(name)` is called after every page the path reaches: it
    asserts that no page so far logged a console error or asked another host for anything, that every
    link the page shows to this role answers (no 4xx/5xx), and keeps a screenshot `<role>-<name>.png`.
    The listeners see every page the browser shows, also those between two steps (a redirect after a
    form, a page left at once): their errors fail the next step, or `finish()`."""

    def __init__(self, watched: Watched, role: str, server_url: str):
        self.watched, self.role, self.server_url = watched, role, server_url
        self.page = watched.page
        self.steps: list[str] = []
        self.checked: dict[str, int] = {}

    def step(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.watched.assert_clean()
        self.assert_links_answer()
        self.assert_ids_unique()
        self.watched.shot(f"{self.role}-{name}")
        self.steps.append(name)

    def finish(self) -> None:
        """After the last step: nothing went wrong on the pages shown since."""
        self.watched.assert_clean()
        assert self.steps, "a journey without a checked step"

    def assert_ids_unique(self) -> None:
        """A repeated id sends a label, a fragment link or an htmx target to another element than meant."""
        ids = self.page.eval_on_selector_all("[id]", IDS_JS)
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, f"{self.role} on {self.page.url}: repeated ids {repeated}"

    def assert_links_answer(self) -> None:
        host = urlparse(self.server_url).netloc
        broken = []
        for href in self.page.eval_on_selector_all("a[href]", LINKS_JS):
            url = urlparse(href)
            if url.scheme not in ("http", "https") or url.netloc != host:
                continue
            target = url._replace(fragment="").geturl()
            if target not in self.checked:
                # the browser context's cookies: the link is checked as this role sees it
                self.checked[target] = self.page.request.get(target).status
            if self.checked[target] >= 400:
                broken.append(f"{target} → {self.checked[target]}")
        assert not broken, f"{self.role} on {self.page.url}: broken links {broken}"


@pytest.fixture
def journey(open_page, live_server):
    def _start(role: str, viewport=None) -> Journey:
        return Journey(open_page(viewport=viewport), role, live_server.url)

    return _start


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
