"""Amounts in words ("Bằng chữ: … đồng.", NĐ 30 NM-08/NM-09) and the reverse parser.

The reading is the one in shared/vn-words/amounts.csv: groups of three (tỷ, triệu, nghìn,
units); "không trăm" and "linh" inside non-leading groups (2.014 = "hai nghìn không trăm mười
bốn"); all-zero groups skipped; a single "tỷ" above 1.000 tỷ (1.500.000.000.000 = "một nghìn
năm trăm tỷ"). ``WordConvention`` picks the regional variants (linh/lẻ, nghìn/ngàn, tư/bốn) and
whether "chẵn" follows "đồng".

We register our own num2words converter under "vi_vanban" instead of using the library's "vi":
num2words 0.5.x reads 1.015 as "một nghìn lẻ mười lăm", 2.014 with "lẻ", 1.500.000.000.000 as
"một nghìn tỷ năm trăm tỷ", −1 as "mười chín", and crashes on ``to="currency"``. The library's
"vi" entry is left untouched. Registration must happen before use: num2words silently falls back
from an unknown "vi_vanban" to "vi" (its first two letters).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from generator.vi.numbers import format_number, parse_figure

MAX_AMOUNT = 999_999_999_999_999
NUM2WORDS_KEY = "vi_vanban"
DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_ALLOWED = {"linh": ("linh", "lẻ"), "nghin": ("nghìn", "ngàn"), "tu": ("tư", "bốn")}


class AmountRangeError(ValueError):
    """The amount is beyond ±999.999.999.999.999, the largest we read aloud."""


@dataclass(frozen=True)
class WordConvention:
    """Regional choices for reading amounts.

    ``linh``: "linh" or "lẻ" (105 = một trăm linh năm); ``nghin``: "nghìn" or "ngàn"; ``tu``: "tư"
    or "bốn" for a units 4 after a tens digit ≥ 2 (24 = hai mươi tư); ``chan``: write "đồng chẵn".
    """

    linh: str = "linh"
    nghin: str = "nghìn"
    tu: str = "tư"
    chan: bool = False

    def __post_init__(self) -> None:
        for name, allowed in _ALLOWED.items():
            value = getattr(self, name)
            if isinstance(value, str):
                value = unicodedata.normalize("NFC", value)
                object.__setattr__(self, name, value)
            if value not in allowed:
                raise ValueError(
                    f'Quy ước đọc số: "{name}" phải là "{allowed[0]}" hoặc "{allowed[1]}", không phải {value!r}'
                )
        if not isinstance(self.chan, bool):
            raise ValueError(f'Quy ước đọc số: "chan" phải là true hoặc false, không phải {self.chan!r}')

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any]) -> WordConvention:
        """Build from plan data such as ``{linh: lẻ, nghin: ngàn}``; missing keys keep the defaults."""
        if not isinstance(d, Mapping):
            raise ValueError(f"Quy ước đọc số phải là một bảng khóa: giá trị (linh, nghin, tu, chan), không phải {d!r}")
        names = [f.name for f in fields(cls)]
        unknown = [str(k) for k in d if k not in names]
        if unknown:
            raise ValueError(f"Quy ước đọc số có khóa không hợp lệ: {', '.join(unknown)} (chỉ dùng {', '.join(names)})")
        values: dict[str, Any] = {k: v.strip().lower() if isinstance(v, str) else v for k, v in d.items()}
        return cls(**values)


CANONICAL = WordConvention()
SOUTHERN = WordConvention(linh="lẻ", nghin="ngàn")


def _group(g: int, full: bool, c: WordConvention) -> list[str]:
    """Words of a group 1..999; ``full`` (a non-leading group) always says its hundreds."""
    hundreds, tens, units = g // 100, g // 10 % 10, g % 10
    words = [DIGITS[hundreds], "trăm"] if full or hundreds else []
    if tens == 0:
        if units:
            words += [c.linh, DIGITS[units]] if words else [DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: c.tu, 5: "lăm"}.get(units, DIGITS[units]))
    return words


def _read(n: int, c: WordConvention) -> list[str]:
    """Words of 1 ≤ n ≤ MAX_AMOUNT; the part above a tỷ is read as a number, then one "tỷ"."""
    ty, rest = divmod(n, 10**9)
    words = _read(ty, c) + ["tỷ"] if ty else []
    for size, scale in ((10**6, "triệu"), (10**3, c.nghin), (1, None)):
        g = rest // size % 1000
        if g:
            words += _group(g, bool(words), c) + ([scale] if scale else [])
    return words


def _check_amount(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"Số tiền phải là số nguyên (int), không phải {type(n).__name__}: {n!r}")
    if abs(n) > MAX_AMOUNT:
        raise AmountRangeError(
            f"Số {format_number(n)} vượt quá phạm vi đọc bằng chữ (tối đa ±{format_number(MAX_AMOUNT)})"
        )


def number_in_words(n: int, convention: WordConvention = CANONICAL) -> str:
    """1015 → "một nghìn không trăm mười lăm"; lower case, without "đồng"."""
    _check_amount(n)
    if not isinstance(convention, WordConvention):
        raise TypeError(f"convention phải là WordConvention, không phải {type(convention).__name__}")
    if n == 0:
        return DIGITS[0]
    return ("âm " if n < 0 else "") + " ".join(_read(abs(n), convention))


def amount_in_words(n: int, convention: WordConvention = CANONICAL) -> str:
    """46670000 → "Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng." (the "Bằng chữ:" sentence)."""
    words = number_in_words(n, convention)
    return words[0].upper() + words[1:] + (" đồng chẵn." if convention.chan else " đồng.")


# Reverse parsing: any convention's spelling is accepted; the text is then compared word by word
# with the reading of the value it denotes, so only well-formed readings pass.
_ALIASES = {"lẻ": "linh", "ngàn": "nghìn", "tỉ": "tỷ"}
_DIGIT_VALUES = {w: i for i, w in enumerate(DIGITS)} | {"mốt": 1, "tư": 4, "lăm": 5}
_VOCABULARY = set(_DIGIT_VALUES) | {"mười", "mươi", "trăm", "linh", "nghìn", "triệu", "tỷ", "âm"}
_SCALES = (("tỷ", 10**9), ("triệu", 10**6), ("nghìn", 10**3))
_REFERENCE = WordConvention(tu="bốn")


class _Misplaced(Exception):
    """Internal: ``word`` (None: the end of the text) does not fit where it stands."""

    def __init__(self, word: str | None):
        self.word = word


def _digit(words: list[str], i: int) -> int:
    if i >= len(words):
        raise _Misplaced(None)
    if words[i] not in _DIGIT_VALUES:
        raise _Misplaced(words[i])
    return _DIGIT_VALUES[words[i]]


def _group_value(words: list[str]) -> int:
    """Value of a group's words (0..999), read loosely; the word-by-word check does the rest."""
    value, i = 0, 0
    if len(words) > 1 and words[1] == "trăm":
        value, i = 100 * _digit(words, 0), 2
    if i < len(words):
        if words[i] == "linh":
            value, i = value + _digit(words, i + 1), i + 2
        elif words[i] == "mười":
            value, i = value + 10, i + 1
            if i < len(words):
                value, i = value + _digit(words, i), i + 1
        elif i + 1 < len(words) and words[i + 1] == "mươi":
            value, i = value + 10 * _digit(words, i), i + 2
            if i < len(words):
                value, i = value + _digit(words, i), i + 1
        else:
            value, i = value + _digit(words, i), i + 1
    if i < len(words):
        raise _Misplaced(words[i])
    return value


def _value(words: list[str]) -> int:
    if not words:
        raise _Misplaced(None)
    for scale, size in _SCALES:
        if scale in words:
            i = words.index(scale)
            if i == 0:
                raise _Misplaced(scale)
            low = _value(words[i + 1 :]) if i + 1 < len(words) else 0
            if low >= size:
                raise _Misplaced(scale)
            return _value(words[:i]) * size + low
    return _group_value(words)


def _malformed(text: str, word: str | None, hint: str = "") -> ValueError:
    where = f'từ "{word}" không đúng chỗ' if word else "thiếu chữ số ở cuối"
    return ValueError(f'Số tiền bằng chữ không hợp lệ: "{text}" — {where}{hint}')


def words_to_number(text: str) -> int:
    """ "Một nghìn không trăm mười lăm đồng." → 1015; strict inverse of ``number_in_words``.

    Accepts the words of every convention (linh/lẻ, nghìn/ngàn, tư/bốn, tỷ/tỉ), any case, NFC or
    not, extra spaces, and an optional trailing "đồng" or "đồng chẵn" and final ".". Conventions
    may even be mixed within one text. Raises ValueError quoting the text and the first wrong word
    for anything that is not exactly a reading ("mười mốt", "một nghìn lẻ năm", "bẩy", "").
    """
    if not isinstance(text, str):
        raise TypeError(f"Số tiền bằng chữ phải là chuỗi, không phải {type(text).__name__}: {text!r}")
    tokens = unicodedata.normalize("NFC", text).lower().split()
    if tokens and tokens[-1].endswith("."):
        tokens[-1] = tokens[-1][:-1]
        if not tokens[-1]:
            tokens.pop()
    if tokens[-2:] == ["đồng", "chẵn"]:
        tokens = tokens[:-2]
    elif tokens[-1:] == ["đồng"]:
        tokens = tokens[:-1]
    if not tokens:
        raise ValueError(f'Số tiền bằng chữ không hợp lệ: "{text}" — không có chữ số nào')
    words = [_ALIASES.get(w, w) for w in tokens]
    for word in words:
        if word not in _VOCABULARY:
            raise ValueError(f'Số tiền bằng chữ không hợp lệ: "{text}" — không hiểu từ "{word}"')
    negative = words[0] == "âm"
    try:
        value = _value(words[1:] if negative else words)
    except _Misplaced as err:
        raise _malformed(text, err.word) from None
    n = -value if negative else value
    if value > MAX_AMOUNT:
        raise AmountRangeError(f'Số tiền bằng chữ "{text}" vượt quá phạm vi (tối đa {format_number(MAX_AMOUNT)})')
    expected = number_in_words(n, _REFERENCE).split()
    got = ["bốn" if w == "tư" and i and words[i - 1] == "mươi" else w for i, w in enumerate(words)]
    if got != expected:
        i = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
        hint = f' (có phải "{number_in_words(n)}"?)'
        raise _malformed(text, tokens[i] if i < len(tokens) else None, hint)
    return n


def _whole(number: int | Decimal) -> int:
    """int, or a Decimal without a fractional part, as int (num2words hands us either)."""
    if isinstance(number, Decimal):
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
        raise ValueError(f"Chỉ đọc được số nguyên, không đọc được {format_number(number)}")
    return number


class Num2Word_VI_VanBan:
    """num2words converter for administrative Vietnamese (language key "vi_vanban")."""

    def __init__(self, convention: WordConvention = CANONICAL):
        self.convention = convention

    def str_to_number(self, value: str) -> int | Decimal:
        return parse_figure(value)

    def to_cardinal(self, number: int | Decimal) -> str:
        return number_in_words(_whole(number), self.convention)

    def to_year(self, number: int | Decimal) -> str:
        return self.to_cardinal(number)

    def to_ordinal(self, number: int | Decimal) -> str:
        """1 → "thứ nhất", 4 → "thứ tư", 10 → "thứ mười"."""
        n = _whole(number)
        words = number_in_words(n, self.convention)
        if n < 1:
            raise ValueError(f"Số thứ tự phải từ 1 trở lên, không phải {n}")
        return "thứ " + {1: "nhất", 4: "tư"}.get(n, words)

    def to_currency(self, val: int | Decimal, currency: str = "VND") -> str:
        """The sentence form, "Một nghìn đồng."; only Vietnamese đồng."""
        if currency != "VND":
            raise NotImplementedError(f"Chỉ đọc được tiền đồng (VND), không đọc được {currency}")
        return amount_in_words(_whole(val), self.convention)


def register_num2words() -> None:
    """Make ``num2words(n, lang="vi_vanban")`` use our converter (idempotent; "vi" is untouched)."""
    from num2words import CONVERTER_CLASSES

    if not isinstance(CONVERTER_CLASSES.get(NUM2WORDS_KEY), Num2Word_VI_VanBan):
        CONVERTER_CLASSES[NUM2WORDS_KEY] = Num2Word_VI_VanBan()
