"""Vietnamese text helpers."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics, so that "bac ninh" matches "Bắc Ninh".

    NFD splits most letters into base + combining marks; "đ" is a letter of its own and is mapped
    by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()
