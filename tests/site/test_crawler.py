"""The crawler's reader on hand-made pages: what it must catch, and what it must leave alone (no demo needed)."""

from .crawler import Reader, read_page

ENGLISH = {"the", "report", "needs", "a", "photo", "new", "task", "completion", "confirmed", "category"}
VIETNAMESE = {"phản", "ánh", "cần", "ảnh", "nhiệm", "vụ", "mới", "chọn", "lĩnh", "vực"}
FIELDS = {"category", "consent", "task", "confirmed"}


def problems(html: str, language: str, data: str = "") -> list[str]:
    own, foreign = (VIETNAMESE, ENGLISH) if language == "vi" else (ENGLISH, VIETNAMESE)
    reader = Reader(language, data, foreign, own, FIELDS, {"New task": "Nhiệm vụ mới"} if language == "vi" else {})
    return reader.problems(read_page(html)[1])


def page(body: str, lang: str = "vi") -> str:
    return f'<html lang="{lang}"><head><title>t</title></head><body>{body}</body></html>'


def test_a_vietnamese_page_with_an_english_half_a_code_a_key_or_an_untranslated_label_is_caught():
    found = problems(page("<p>Phản ánh cần ảnh / The report needs a photo</p>"), "vi")
    assert any(p.startswith("English:") for p in found), found
    assert any("snake_case" in p for p in problems(page("<td>dung_han (20)</td>"), "vi"))
    assert any("period key" in p for p in problems(page("<td>kỳ 2026-W48</td>"), "vi"))
    assert any("field key" in p for p in problems(page("<li>category: Chọn lĩnh vực. consent: …</li>"), "vi"))
    assert any(p.startswith("untranslated") for p in problems(page("<h2>New task</h2>"), "vi"))


def test_prose_data_codes_for_experts_and_the_language_switch_are_left_alone():
    assert problems(page("<p>New task: Báo cáo tháng</p>", "en"), "en", data="Báo cáo tháng") == []
    assert problems(page("<p>Completion confirmed: x</p>", "en"), "en") == []
    assert problems(page('<span class="code">TTHC_ONTIME</span>'), "vi") == []
    assert problems(page('<a lang="en" href="/i18n/">English</a>'), "vi") == []
    assert problems(page("<td>PAKN.20261130.0002</td>"), "vi", data="PAKN.20261130.0002") == []
