"""Errors raised on bad input.

Every message is bilingual because the same text reaches a province officer (Vietnamese) and a
developer or COINr user (English); both need the file, row and column to fix the source.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad framework or data: names where (file, row, column) and why, in English and Vietnamese."""

    def __init__(
        self,
        reason_en: str,
        reason_vi: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason_en = reason_en
        self.reason_vi = reason_vi
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        where_en, where_vi = [], []
        if self.file is not None:
            where_en.append(f"file {self.file}")
            where_vi.append(f"tệp {self.file}")
        if self.row is not None:
            where_en.append(f"row {self.row}")
            where_vi.append(f"dòng {self.row}")
        if self.column is not None:
            where_en.append(f"column {self.column}")
            where_vi.append(f"cột {self.column}")
        en = (", ".join(where_en) + ": " if where_en else "") + self.reason_en
        vi = (", ".join(where_vi) + ": " if where_vi else "") + self.reason_vi
        return f"{en}\n{vi}"


class FrameworkError(InputError):
    """A framework that is not a valid graph; `faults` lists every fault found, not only the first."""

    def __init__(self, faults: list[tuple[str, str]], *, file: str | None = None) -> None:
        self.faults = faults
        en = "invalid framework: " + "; ".join(f for f, _ in faults)
        vi = "bộ chỉ số không hợp lệ: " + "; ".join(v for _, v in faults)
        super().__init__(en, vi, file=file)
