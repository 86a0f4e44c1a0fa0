"""Document dates: the NĐ 30 long form (HD-23, HD-24) and the short dd/m/yyyy form (NM-06).

The day always has two digits; the month has a leading zero only for January and February
("ngày 05 tháng 02 năm 2024", "ngày 15 tháng 9 năm 2024", "09/9/2024").
"""

from __future__ import annotations

import re
from datetime import date

BLANK = "      "  # a day (or month) left blank in a draft, filled in by hand at signing
_SHORT = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _month(m: int) -> str:
    return f"{m:02d}" if m <= 2 else str(m)


def _check_year(year: int) -> None:
    if not 1000 <= year <= 9999:
        raise ValueError(f"Năm phải có 4 chữ số, không phải {year}")


def format_date(
    d: date | None = None, *, day: int | None = None, month: int | None = None, year: int | None = None
) -> str:
    """ "ngày 05 tháng 02 năm 2024"; with ``day=None`` the draft form "ngày      tháng 9 năm 2024".

    Pass either a date or the keywords (year required; day, or day and month, may be left blank).
    """
    if d is not None:
        if (day, month, year) != (None, None, None):
            raise ValueError("Chỉ truyền một ngày (date) hoặc các tham số day/month/year, không truyền cả hai")
        if not isinstance(d, date):
            raise TypeError(f"d phải là datetime.date, không phải {type(d).__name__}: {d!r}")
        day, month, year = d.day, d.month, d.year
    for name, value in (("day", day), ("month", month), ("year", year)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"{name} phải là số nguyên, không phải {value!r}")
    if year is None:
        raise ValueError("Thiếu năm: năm ban hành không được để trống")
    if day is not None and month is None:
        raise ValueError(f"Đã ghi ngày {day} thì phải ghi cả tháng")
    _check_year(year)
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"Ngày không hợp lệ: ngày {day} tháng {month} năm {year}") from None
    day_part = BLANK if day is None else f" {day:02d} "
    month_part = BLANK if month is None else f" {_month(month)} "
    return f"ngày{day_part}tháng{month_part}năm {year}"


def format_date_short(d: date) -> str:
    """date(2024, 2, 5) → "05/02/2024", date(2024, 9, 9) → "09/9/2024"."""
    if not isinstance(d, date):
        raise TypeError(f"d phải là datetime.date, không phải {type(d).__name__}: {d!r}")
    _check_year(d.year)
    return f"{d.day:02d}/{_month(d.month)}/{d.year}"


def parse_date_short(text: str) -> date:
    """ "10/10/2024", "9/9/2024" or "09/09/2024" → date; zero padding is not enforced when reading."""
    if not isinstance(text, str):
        raise TypeError(f"Ngày phải là chuỗi, không phải {type(text).__name__}: {text!r}")
    match = _SHORT.fullmatch(text.strip())
    if not match:
        raise ValueError(f'Ngày không hợp lệ: "{text}" — cần dạng ngày/tháng/năm, ví dụ 05/02/2024')
    day, month, year = map(int, match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f'Ngày không hợp lệ: "{text}" — không có ngày này trong lịch') from None
