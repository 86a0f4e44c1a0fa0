"""Vietnamese language rules for administrative documents: amounts in words, figures, Roman
numerals, điểm letters and dates, as NĐ 30/2020/NĐ-CP and accounting practice write them.

Importing this package registers the "vi_vanban" num2words language (see ``words``).
"""

from generator.vi.dates import BLANK, format_date, format_date_short, parse_date_short
from generator.vi.numbers import FigureError, diem_letter, format_number, parse_figure, parse_roman, roman
from generator.vi.words import (
    CANONICAL,
    SOUTHERN,
    AmountRangeError,
    WordConvention,
    amount_in_words,
    number_in_words,
    register_num2words,
    words_to_number,
)

register_num2words()

__all__ = [
    "BLANK",
    "CANONICAL",
    "SOUTHERN",
    "AmountRangeError",
    "FigureError",
    "WordConvention",
    "amount_in_words",
    "diem_letter",
    "format_date",
    "format_date_short",
    "format_number",
    "number_in_words",
    "parse_date_short",
    "parse_figure",
    "parse_roman",
    "register_num2words",
    "roman",
    "words_to_number",
]
