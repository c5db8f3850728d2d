"""Vietnamese text helpers."""

import datetime
import unicodedata


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics, so that "bac ninh" matches "Bắc Ninh".

    NFD splits most letters into base + combining marks; "đ" is a letter of its own and is mapped
    by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


# As Vietnamese offices write a date (day first), and ISO; in the order tried.
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value) -> datetime.date | None:
    """A date from a date or datetime (what openpyxl reads from a date cell), or from text written
    31/12/2025, 2025-12-31, 31-12-2025 or 31.12.2025; None when it is not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
