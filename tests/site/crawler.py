"""Walk every page a person can reach and read it as they would: the visible text in one language, no code.

`crawl()` follows the links of each HTML page from the home page (GET only, same host; a few instances of each
URL shape, so 99 communes do not make 99 visits). `Reader` holds what a page may show besides the interface:
the strings people typed (unit names, task titles, reports…), read from the demo's database, and the words of
each language, read from the platform's own catalogues (an English word is one the interface's English msgids
use and its Vietnamese translations never do). `problems()` lists, for one page:
- text of the other language: on a Vietnamese page, a run of English words; on an English page, a run of
  Vietnamese words — unless the run is something a person typed (data);
- raw codes: snake_case or UPPER_CASE tokens, period keys (2026-W41, 2025-Q3), ISO dates, field keys
  ("category: …") — unless inside an element marked `class="code"` (a code shown to an expert beside its name)
  or part of data;
- an English msgid shown untranslated on a Vietnamese page.
Text inside an element whose `lang` differs from the page's (the language switcher's "English") is left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import polib

SRC = Path(__file__).resolve().parents[2] / "src" / "dxboard"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN = {"script", "style", "template", "head"}
SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
VIETNAMESE_LETTER = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                               re.IGNORECASE)
CODES = [
    ("snake_case code", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("upper-case code", re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")),
    ("period key", re.compile(r"\b\d{4}-(?:W\d{1,2}|Q[1-4]|H[12])\b")),
    ("ISO date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b")),
    ("year-month key", re.compile(r"\b\d{4}-(?:0[1-9]|1[0-2])\b(?!-\d)")),
]
# A key where a label would start: at the start of a text or after a separator ("category: … consent: …"),
# not a word inside an English phrase ("Completion confirmed: …").
FIELD_KEY = re.compile(r"(?:^|[.;,(\n]\s*)([a-z][a-z_]+):\s")
# What may join two words of one run: spaces and the punctuation inside a phrase (not ·, —, brackets or colons,
# which separate an interface label from the data beside it).
JOINER = re.compile(r"[\s,'’\-/&.]*")
NAMES = {"dxboard"}  # the platform's own name, in either language


@dataclass
class Chunk:
    text: str
    code: bool  # inside an element marked class="code"


class _Text(HTMLParser):
    """The text a person sees (and hears: alt, title, aria-label, placeholder, button values)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, hidden, code)
        self.page_lang = ""
        self.chunks: list[Chunk] = []
        self.links: list[str] = []

    def _state(self) -> tuple[bool, bool]:
        return (self.stack[-1][1], self.stack[-1][2]) if self.stack else (False, False)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden, code = self._state()
        if tag == "html":
            self.page_lang = attrs.get("lang", "")
        lang = attrs.get("lang")
        hidden = hidden or tag in HIDDEN or "hidden" in attrs or (lang is not None and lang != self.page_lang
                                                                    and tag != "html")
        code = code or "code" in (attrs.get("class") or "").split()
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not hidden:
            for name in SHOWN_ATTRIBUTES:
                if attrs.get(name):
                    self.chunks.append(Chunk(attrs[name], code))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(Chunk(attrs["value"], code))
        if tag not in VOID:
            self.stack.append((tag, hidden, code))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        hidden, code = self._state()
        if not hidden and data.strip():
            self.chunks.append(Chunk(" ".join(data.split()), code))


def read_page(html: str) -> tuple[str, list[Chunk], list[str]]:
    parser = _Text()
    parser.feed(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    chunks = ([Chunk(" ".join(title.group(1).split()), False)] if title else []) + parser.chunks
    return parser.page_lang, chunks, parser.links


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)[sdf]|\{[^}]*\}", " ", text))}


def catalogue_words() -> tuple[set[str], set[str], dict[str, str]]:
    """The words of the English msgids, the words of their Vietnamese translations, and {msgid: msgstr}, from
    every catalogue of the platform."""
    english, vietnamese, translations = set(), set(), {}
    for path in SRC.glob("**/locale/vi/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr:
                continue
            english |= _words(entry.msgid)
            vietnamese |= _words(entry.msgstr)
            translations[entry.msgid] = entry.msgstr
    return english, vietnamese, translations


@dataclass
class Reader:
    """What one language's pages may show besides the interface: `data`, the strings people typed, one per
    line (a run of words is data if it occurs in one of them)."""

    language: str
    data: str
    foreign_words: set[str]
    own_words: set[str]  # the vocabulary of this language's interface
    field_names: set[str]
    translations: dict[str, str] = field(default_factory=dict)

    def is_data(self, text: str) -> bool:
        return len(text) > 1 and text in self.data

    def problems(self, chunks: list[Chunk]) -> list[str]:
        found = []
        for chunk in chunks:
            text = chunk.text
            if self.language == "vi" and text in self.translations and self.translations[text] != text \
                    and len(text) > 3 and not self.is_data(text):
                found.append(f"untranslated: “{text}”")
                continue
            for run in self._foreign_runs(text):
                if not self.is_data(run):
                    found.append(f"{'English' if self.language == 'vi' else 'Vietnamese'}: “{run}” in “{text[:160]}”")
            if chunk.code:
                continue
            for what, pattern in CODES:
                for match in pattern.finditer(text):
                    if not self.is_data(match.group()) and not self._inside_data(text, match):
                        found.append(f"{what}: “{match.group()}” in “{text[:160]}”")
            for match in FIELD_KEY.finditer(text):
                if match.group(1) in self.field_names and not self._inside_data(text, match):
                    found.append(f"field key: “{match.group(1)}:” in “{text[:160]}”")
        return found

    def _inside_data(self, text: str, match) -> bool:
        """Is the match part of a longer piece of data in the text (e.g. a document number typed by a person)?"""
        start, end = match.span()
        left = text.rfind(" ", 0, max(start - 1, 0)) + 1
        right = text.find(" ", end + 1)
        return self.is_data(text[left:right if right > 0 else len(text)].strip(" .,;:()"))

    def _foreign_runs(self, text: str) -> list[str]:
        """Maximal runs of words around each foreign word (the run is what must be data to be allowed)."""
        words = list(WORD.finditer(text))
        flags = [self._foreign(w.group()) for w in words]
        runs, i = [], 0
        while i < len(words):
            if not flags[i]:
                i += 1
                continue
            start = end = i
            while start > 0 and self._neutral_or_foreign(words[start - 1].group()) \
                    and JOINER.fullmatch(text[words[start - 1].end():words[start].start()]):
                start -= 1
            while end + 1 < len(words) and self._neutral_or_foreign(words[end + 1].group()) \
                    and JOINER.fullmatch(text[words[end].end():words[end + 1].start()]):
                end += 1
            runs.append(text[words[start].start():words[end].end()])
            i = end + 1
        return runs

    def _foreign(self, word: str) -> bool:
        if word.isupper() or word.lower() in NAMES:  # acronyms and codes are not words of a language
            return False
        if self.language == "vi":
            return word.isascii() and word.lower() in self.foreign_words and len(word) > 1
        return bool(VIETNAMESE_LETTER.search(word)) or word.lower() in self.foreign_words

    def _neutral_or_foreign(self, word: str) -> bool:
        """A word that may belong to the same foreign run: on a Vietnamese page any ASCII word (names of
        systems, English phrases), on an English page any word that is not English interface vocabulary."""
        if self.language == "vi":
            return word.isascii()
        return self._foreign(word) or (word[:1].isupper() and word.lower() not in self.own_words)


def url_shape(path: str) -> str:
    """/index/submissions/100/ and /index/submissions/105/ are one shape; so are /units/07210/ and /units/SKHCN/."""
    return "/".join("N" if (re.search(r"\d", part) or (part.isupper() and len(part) > 1)) else part
                    for part in path.split("/"))


SKIPPED = re.compile(r"^/(?:accounts/logout|i18n|static|media|api|open311|jobs)/|/(?:sw\.js|manifest\.json)$")


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    html: str = ""


def crawl(site_url: str, session, *, per_shape: int = 2, limit: int = 400) -> list[Visit]:
    """GET every page reachable from the home page, `per_shape` instances of each URL shape (and of each
    query-string shape), never following sign-out, language switch, static files, the APIs or job polls."""
    start = site_url + "/"
    queue, seen, visits = [start], {start}, []
    shapes: dict[str, int] = defaultdict(int)
    host = urlsplit(site_url).netloc
    while queue and len(visits) < limit:
        url = queue.pop(0)
        response = session.get(url, allow_redirects=True, timeout=60)
        kind = response.headers.get("Content-Type", "")
        visit = Visit(url, response.status_code, kind, response.text if kind.startswith("text/html") else "")
        visits.append(visit)
        if not visit.html:
            continue
        for href in read_page(visit.html)[2]:
            parts = urlsplit(urljoin(response.url, href))
            if parts.scheme not in ("http", "https") or parts.netloc != host or SKIPPED.search(parts.path):
                continue
            target = urlunsplit(parts._replace(fragment=""))
            shape = url_shape(parts.path) + "?" + "&".join(sorted({k.split("=")[0] for k in parts.query.split("&")
                                                                    if k}))
            if target in seen or shapes[shape] >= per_shape:
                continue
            seen.add(target)
            shapes[shape] += 1
            queue.append(target)
    return visits
