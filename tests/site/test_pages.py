"""Every page each demo role can reach, and every public page, read in Vietnamese and in English: each answers,
speaks one language, and shows no raw code (tests/site/crawler.py says what is checked and how)."""

import functools
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROLES
from .crawler import Reader, catalogue_words, crawl, read_page

pytestmark = pytest.mark.demo
REPORTS = Path("var/site-report")

# Strings people typed, or official names, shown as they are on pages of either language: (table, column).
DATA = [
    ("units_unit", "name"), ("units_unit", "name_en"), ("units_unit", "short_name"), ("units_unit", "code"),
    ("units_unitsuccession", "legal_basis"), ("auth_user", "first_name"), ("auth_user", "last_name"),
    ("auth_user", "username"), ("accounts_membership", "title"),
    ("index_campaign", "name"), ("index_evidence", "summary"), ("index_evidence", "document_number"),
    ("index_evidence", "issuer"), ("index_evidence", "original_name"), ("index_answer", "comment"),
    ("index_answer", "na_reason"), ("index_answer", "review_note"), ("index_appeal", "text"),
    ("index_appeal", "decision"), ("index_indicator", "evidence"), ("index_indicator", "unit_of_measure"),
    ("index_framework", "decision_number"),
    ("steering_plan", "title"), ("steering_task", "title"), ("steering_task", "content"),
    ("steering_task", "code"), ("steering_task", "assigned_by"), ("steering_task", "expected_output"),
    ("steering_progressreport", "text"), ("steering_directivedocument", "number"),
    ("steering_directivedocument", "issuer"), ("steering_directivedocument", "title"),
    ("steering_directivedocument", "original_name"), ("steering_extensionrequest", "reason"),
    ("steering_extensionrequest", "decision_note"), ("steering_completiondeclaration", "note"),
    ("steering_completiondeclaration", "decision_note"),
    ("itprojects_system", "code"), ("itprojects_system", "name"), ("itprojects_system", "purpose"),
    ("itprojects_system", "function"), ("itprojects_system", "decision_number"), ("itprojects_system", "contractor"),
    ("itprojects_system", "hosting"), ("itprojects_system", "security_decision"),
    ("itprojects_system", "national_databases"), ("itprojects_system", "apis"), ("itprojects_dataset", "name"),
    ("itprojects_dataset", "note"), ("itprojects_link", "target_name"), ("itprojects_link", "dataset"),
    ("itprojects_review", "findings"),
    ("itprojects_review", "follow_up"), ("itprojects_reviewcampaign", "name"),
    ("kpi_metric", "definition"), ("kpi_metric", "numerator_label"), ("kpi_metric", "denominator_label"),
    ("kpi_metric", "source_system"), ("kpi_target", "document"), ("kpi_sourcesystem", "name"),
    ("kpi_pullendpoint", "url"), ("kpi_fetchlog", "error"),
    ("feedback_report", "code"), ("feedback_report", "description"), ("feedback_report", "address"),
    ("feedback_reportevent", "note"), ("feedback_answer", "text"), ("feedback_rating", "reason"),
    ("feedback_personaldata", "name"), ("feedback_personaldata", "phone"), ("feedback_personaldata", "email"),
    ("feedback_apiclient", "name"), ("feedback_photo", "original_name"), ("feedback_category", "description"),
    ("feedback_category", "response_template"), ("feedback_extension", "reason"),
    ("workdays_holiday", "source"),
    ("audit_auditentry", "object_repr"),  # a record's name as it was when the change was logged
]
# Names kept in both languages: the Vietnamese one is data on Vietnamese pages, the English one on English pages
# (a Vietnamese name on an English page is a page that forgot the English version).
NAMED = [("index_framework", "name"), ("index_indicator", "name"), ("kpi_metric", "name"),
         ("feedback_category", "name"), ("workdays_holiday", "name")]


@functools.cache
def _words():
    return catalogue_words()


def _field_names() -> set[str]:
    from django.apps import apps

    return {f.name for model in apps.get_models() for f in model._meta.get_fields()
            if model._meta.app_label not in ("auth", "contenttypes", "sessions") and len(f.name) > 3}


def reader(site, language: str) -> Reader:
    english, vietnamese, translations = _words()
    values = []
    for table, column in DATA + [(t, c if language == "vi" else f"{c}_en") for t, c in NAMED]:
        values += [v for (v,) in site.query(f'SELECT DISTINCT "{column}" FROM "{table}"') if v]  # noqa: S608
    if language == "en":  # a name nobody translated stays as it is
        for table, column in NAMED:
            values += [v for (v,) in site.query(f'SELECT "{column}" FROM "{table}" '  # noqa: S608
                                                f'WHERE COALESCE("{column}_en", \'\') = \'\'') if v]
    foreign, own = (english - vietnamese, vietnamese) if language == "vi" else (vietnamese - english, english)
    return Reader(language, "\n".join(values), foreign, own, _field_names(),
                  translations if language == "vi" else {})


_CRAWLS: dict = {}


def crawled(site, role: str, language: str):
    """The pages `role` reaches in `language` (crawled once per session; the phone test reuses them)."""
    if (role, language) not in _CRAWLS:
        _CRAWLS[role, language] = crawl(site.url, site.session(role, language))
    return _CRAWLS[role, language]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_one_language_and_shows_no_code(demo_site, role, language):
    visits = crawled(demo_site, role, language)
    pages = [v for v in visits if v.html]
    assert len(pages) > (5 if role == "anonymous" else 15), [v.url for v in visits]
    read = reader(demo_site, language)
    broken = [f"{v.url} → {v.status}" for v in visits if v.status >= 400]
    found = []
    for visit in pages:
        page_lang, chunks, _links = read_page(visit.html)
        if page_lang != language:
            found.append(f"{visit.url}: <html lang={page_lang!r}>")
        found += [f"{urlsplit(visit.url).path}?{urlsplit(visit.url).query}: {p}"
                  for p in dict.fromkeys(read.problems(chunks))]
    found = [f"broken link: {b}" for b in broken] + found
    REPORTS.mkdir(parents=True, exist_ok=True)  # the whole list, for whoever mends the pages
    (REPORTS / f"{role}-{language}.txt").write_text("\n".join(found) + "\n", encoding="utf-8")
    assert not found, f"{role} in {language}: {len(found)} problems (all in {REPORTS}):\n" + "\n".join(found[:60])
