"""Amounts in Vietnamese words and figures in the Vietnamese style, written here independently of
`generator.vi` so that the corpus's ground truth does not share the code it is used to test.

The reading rules are those of tests/reference/vn-words/amounts.csv (checked by tests/test_corpus.py):
groups of three digits; an inner group is read in full ("không trăm linh năm"); "mốt", "tư", "lăm"
after a tens digit; all-zero groups skipped; 1.000 tỷ and more read as "<number> tỷ".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


@dataclass(frozen=True)
class Convention:
    """How a clerk reads: "linh"/"lẻ" for a zero tens digit, "nghìn"/"ngàn", "tư"/"bốn" after tens ≥ 2."""

    linh: str = "linh"
    nghin: str = "nghìn"
    tu: str = "tư"


def _group(value: int, full: bool, c: Convention) -> list[str]:
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    out: list[str] = []
    if full or hundreds:
        out += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            out += ([c.linh] if out else []) + [DIGITS[units]]
    elif tens == 1:
        out += ["mười"] + ([{5: "lăm"}.get(units, DIGITS[units])] if units else [])
    else:
        out += [DIGITS[tens], "mươi"] + ([{1: "mốt", 4: c.tu, 5: "lăm"}.get(units, DIGITS[units])] if units else [])
    return out


def _below_billion(value: int, leading: bool, c: Convention) -> list[str]:
    out: list[str] = []
    for scale, word in ((1_000_000, "triệu"), (1_000, c.nghin), (1, "")):
        part = value // scale % 1000
        if part:
            out += _group(part, full=not leading, c=c) + ([word] if word else [])
            leading = False
    return out


def read_number(value: int, c: Convention = Convention()) -> str:
    """12345 → "mười hai nghìn ba trăm bốn mươi lăm" (lower case, no unit)."""
    if value < 0:
        return "âm " + read_number(-value, c)
    if value == 0:
        return "không"
    words: list[str] = []
    head, tail = divmod(value, 1_000_000_000)
    if head:
        words += read_number(head, c).split() + ["tỷ"]
    if tail:
        words += _below_billion(tail, leading=not head, c=c)
    return " ".join(words)


def amount_sentence(value: int, c: Convention = Convention()) -> str:
    """46670000 → "Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng." (as under a total)."""
    text = read_number(value, c) + " đồng."
    return text[0].upper() + text[1:]


def figure(value: int | Decimal, pad: int = 0) -> str:
    """1234567 → "1.234.567"; Decimal("1.5") → "1,5"; pad=2 writes 8 as "08" (as clerks type counts)."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        whole, frac = f"{value:f}".split(".")
        return figure(int(whole)) + "," + frac.rstrip("0")
    text = f"{int(value):,}".replace(",", ".")
    return text.zfill(pad) if pad and int(value) < 10 ** (pad - 1) * 10 else text
