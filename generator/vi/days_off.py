"""Days an office is closed in Vietnam: weekends and public holidays (Bộ luật Lao động 2019, Điều 112).

The holidays, with the lunar ones (Tết Nguyên Đán, Giỗ Tổ Hùng Vương 10/3 âm lịch) and the days
moved or added by the Government each year, come from the `holidays` package (its Vietnamese
calendar, names in Vietnamese), not from a calendar written here.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """Vietnam's public holidays and days off of `year`: date → Vietnamese name."""
    import holidays

    return dict(holidays.country_holidays("VN", years=year, language="vi"))


def tet(year: int) -> date:
    """Mùng một Tết Nguyên Đán of the lunar year starting in `year`."""
    return next(day for day, name in public_holidays(year).items() if name == "Tết Nguyên Đán")


def day_off(day: date) -> str | None:
    """Why `day` is not a working day ("Thứ Bảy", "Chủ nhật", a holiday's name), or None."""
    reasons = []
    if day.weekday() >= 5:
        reasons.append(WEEKDAYS[day.weekday()])
    holiday = public_holidays(day.year).get(day)
    if holiday:
        reasons.append(f"ngày nghỉ lễ: {holiday}")
    return ", ".join(reasons) or None
