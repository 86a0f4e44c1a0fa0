"""Figures the Vietnamese way (NĐ 30 NM-01), Roman numerals, and the letters of điểm (HG-08).

Thousands are separated by "." and decimals by ",": 46.670.000, 12,5, 1.250,75. Money is
``int`` (whole đồng) or ``Decimal``; floats are refused everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

MINUS_SIGNS = "-\u2212"  # hyphen-minus and the typographic minus "−"
_FIGURE = re.compile(r"([0-9]+(?:\.[0-9]+)*)(?:,([0-9]+))?")
_CURRENCY_SUFFIX = re.compile(r"(.*?)\s*(?:đồng|đ)", re.IGNORECASE | re.DOTALL)
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
DIEM_LETTERS = "abcdđeghiklmnopqrstuvxy"  # HG-08: no ă â ê ô ơ ư, and f j w z are not Vietnamese


class FigureError(ValueError):
    """A figure that is not written the Vietnamese way.

    ``text`` is the figure as given, ``reason`` says what is wrong, ``likely`` is the value the
    writer most probably meant (or None when it cannot be guessed; see ``parse_figure``), and
    ``detail`` is the reason plus that guess, ready to follow a caller's own prefix.
    """

    def __init__(self, text: str, reason: str, likely: int | None = None):
        self.text = text
        self.reason = reason
        self.likely = likely
        self.detail = reason if likely is None else f"{reason} (có thể là {format_number(likely)}?)"
        super().__init__(f'Số không hợp lệ: "{text}" — {self.detail}')


def _require_int(n: object, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} phải là số nguyên (int), không phải {type(n).__name__}: {n!r}")


def format_number(x: int | Decimal) -> str:
    """46670000 → "46.670.000", -1500 → "-1.500", Decimal("1250.75") → "1.250,75".

    A Decimal keeps its own decimal places (Decimal("12.50") → "12,50").
    """
    if isinstance(x, bool) or not isinstance(x, (int, Decimal)):
        raise TypeError(f"Chỉ định dạng được int hoặc Decimal, không phải {type(x).__name__}: {x!r}")
    if isinstance(x, Decimal) and not x.is_finite():
        raise ValueError(f"Không định dạng được số {x}")
    plain = format(x, "f") if isinstance(x, Decimal) else str(x)
    negative = plain.startswith("-")
    whole, _, fraction = plain.lstrip("-").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return ("-" if negative else "") + grouped + ("," + fraction if fraction else "")


def parse_figure(text: str) -> int | Decimal:
    """Read a Vietnamese figure: "46.670.000" → 46670000, "08" → 8, "1.250,75" → Decimal("1250.75").

    Surrounding whitespace, a trailing "đ"/"đồng" and a leading "-" or "−" are accepted. A
    figure without a decimal comma is an ``int``; with one, a ``Decimal``. Leading zeros are
    fine in a plain count ("08") but not in front of a thousands dot.

    Anything else raises ``FigureError``. Its ``likely`` guesses the intended integer only for
    dotted integers whose groups are the wrong size, by two rules:

    * the last group has 3 digits and only earlier dots are misplaced: the digits are trusted and
      the dots dropped ("7.00.000" → 700000, "1000.000" → 1000000), unless the figure starts
      with 0 ("0.500" may be an English 0,5);
    * every other group is right and the last one has 4 digits ending in 0: one zero too many was
      typed, so it is dropped ("50.0000" → 50000).

    Everything else ("1.000.00", which could equally be 1.000 or 100.000; "1.2.3"; figures with a
    decimal part; stray characters) gets ``likely = None``.
    """
    if not isinstance(text, str):
        raise TypeError(f"Số phải được đưa vào dưới dạng chuỗi, không phải {type(text).__name__}: {text!r}")
    body = unicodedata.normalize("NFC", text).strip()
    suffix = _CURRENCY_SUFFIX.fullmatch(body)
    if suffix:
        body = suffix.group(1)
    negative = body.startswith(tuple(MINUS_SIGNS))
    if negative:
        body = body[1:]
    match = _FIGURE.fullmatch(body)
    if not match:
        if not any(ch.isdigit() for ch in body):
            reason = "không có chữ số nào"
        elif body.count(",") > 1:
            reason = "chỉ được có một dấu phẩy (ngăn phần thập phân)"
        else:
            reason = "chỉ được dùng chữ số, dấu chấm ngăn hàng nghìn và một dấu phẩy thập phân"
        raise FigureError(text, reason)
    whole, fraction = match.groups()
    groups = whole.split(".")
    if len(groups) > 1:
        head_ok = len(groups[0]) <= 3 and not groups[0].startswith("0")
        inner_ok = all(len(g) == 3 for g in groups[1:-1])
        last = groups[-1]
        if not head_ok or not inner_ok or len(last) != 3:
            reason = (
                "nhóm đầu tiên trước dấu chấm phải có 1 đến 3 chữ số và không bắt đầu bằng 0"
                if not head_ok
                else "nhóm chữ số sau dấu chấm phải có đúng 3 chữ số"
            )
            likely = None
            if fraction is None and len(last) == 3 and not groups[0].startswith("0"):
                likely = int("".join(groups))
            elif fraction is None and head_ok and inner_ok and len(last) == 4 and last.endswith("0"):
                likely = int("".join(groups)[:-1])
            if likely is not None and negative:
                likely = -likely
            raise FigureError(text, reason, likely)
    digits = "".join(groups)
    sign = "-" if negative else ""
    if fraction is None:
        return int(sign + digits)
    return Decimal(f"{sign}{digits}.{fraction}")


def roman(n: int) -> str:
    """1 → "I", 4 → "IV", 2024 → "MMXXIV" (1 to 3999)."""
    _require_int(n, "Số La Mã")
    if not 1 <= n <= 3999:
        raise ValueError(f"Số La Mã chỉ viết được từ 1 đến 3999, không viết được {n}")
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def parse_roman(s: str) -> int:
    """ "IV" → 4. Only the canonical upper-case form is accepted ("IIII", "iv", "VX" are refused)."""
    if not isinstance(s, str):
        raise TypeError(f"Số La Mã phải là chuỗi, không phải {type(s).__name__}: {s!r}")
    total = 0
    if s and all(ch in _ROMAN_DIGITS for ch in s):
        values = [_ROMAN_DIGITS[ch] for ch in s]
        total = sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0]))
    if not 1 <= total <= 3999 or roman(total) != s:
        raise ValueError(f'Số La Mã không hợp lệ: "{s}"')
    return total


def diem_letter(n: int) -> str:
    """The n-th điểm letter (1-based): 1 → "a", 5 → "đ", 6 → "e", 7 → "g", 23 → "y"."""
    _require_int(n, "Số thứ tự điểm")
    if not 1 <= n <= len(DIEM_LETTERS):
        raise ValueError(f"Chỉ có {len(DIEM_LETTERS)} chữ cái đánh điểm (a đến y); không có điểm thứ {n}")
    return DIEM_LETTERS[n - 1]
