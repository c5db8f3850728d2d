"""Every page each demo role reaches, opened on a 390 px phone in a real headless Chromium: none is wider
than the screen (a wide table scrolls inside its own box). One page of each URL shape, from the crawl that
tests/site/test_pages.py made; a screenshot of each in var/screenshots/demo/ (CI keeps the folder)."""

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import PHONE, SCREENSHOTS

from .conftest import ROLES
from .crawler import url_shape
from .test_pages import crawled

pytestmark = [pytest.mark.demo, pytest.mark.browser]
SHOTS = SCREENSHOTS / "demo"
# What stands out of the screen: the widest elements whose right edge passes it, named for the report.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== 'fixed')
    .filter(e => ![...e.querySelectorAll('*')].some(c => c.getBoundingClientRect().right > width + 1))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''));
}"""


def one_of_each_shape(visits) -> list[str]:
    pages = {}
    for visit in visits:
        if visit.html and visit.status == 200:
            parts = urlsplit(visit.url)
            pages.setdefault(url_shape(parts.path) + "?" + "&".join(sorted(
                {k.split("=")[0] for k in parts.query.split("&") if k})), visit.url)
    return list(pages.values())


def shot_name(role: str, url: str) -> str:
    parts = urlsplit(url)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.path} {parts.query}".lower()).strip("-") or "home"
    return f"{role}-{slug[:80]}.png"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_a_phone(demo_site, browser, role):
    session = demo_site.session(role, "vi")
    urls = one_of_each_shape(crawled(demo_site, role, "vi"))
    assert len(urls) > (3 if role == "anonymous" else 10), urls
    host = urlsplit(demo_site.url).hostname
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    context.add_cookies([{"name": c.name, "value": c.value, "domain": host, "path": "/"}
                         for c in session.cookies])
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = []
    try:
        for url in urls:
            page.goto(url, wait_until="load")
            # charts below the fold load lazily: load them all, so the width check and the screenshot see them
            page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(SHOTS / shot_name(role, url)), full_page=True)
            if width > PHONE["width"]:
                wide.append(f"{url}: {width} px ({', '.join(page.evaluate(WIDEST))})")
    finally:
        context.close()
    assert not wide, f"{role}: {len(wide)} pages wider than {PHONE['width']} px:\n" + "\n".join(wide)
