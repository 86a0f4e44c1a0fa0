"""Tests of generator.vi (amounts in words, figures, Roman numerals, điểm letters, dates) and `vanban words`."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import importlib.util
import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from num2words import CONVERTER_CLASSES, num2words
from num2words.lang_VI import Num2Word_VI

from generator.cli import words as words_cli
from generator.vi import (
    BLANK,
    CANONICAL,
    SOUTHERN,
    AmountRangeError,
    FigureError,
    WordConvention,
    amount_in_words,
    diem_letter,
    format_date,
    format_date_short,
    format_number,
    number_in_words,
    parse_date_short,
    parse_figure,
    parse_roman,
    register_num2words,
    roman,
    words_to_number,
)

AMOUNTS_CSV = Path(__file__).resolve().parents[0] / "reference" / "vn-words" / "amounts.csv"
MAX = 999_999_999_999_999
ALL_CONVENTIONS = [
    WordConvention(linh=linh, nghin=nghin, tu=tu, chan=chan)
    for linh in ("linh", "lẻ")
    for nghin in ("nghìn", "ngàn")
    for tu in ("tư", "bốn")
    for chan in (False, True)
]


@pytest.fixture(scope="module")
def amount_rows() -> list[tuple[int, str]]:
    """(amount, words) from tests/reference/vn-words/amounts.csv (a copy of ../shared)."""
    with AMOUNTS_CSV.open(encoding="utf-8", newline="") as f:
        rows = [(int(r["amount"]), r["words"]) for r in csv.DictReader(f)]
    assert rows, f"{AMOUNTS_CSV} has no rows"
    return rows


# --- amounts in words -------------------------------------------------------------------------


def test_every_csv_row_reads_exactly_as_listed(amount_rows):
    wrong = [(n, number_in_words(n), w) for n, w in amount_rows if number_in_words(n) != w]
    ok = len(amount_rows) - len(wrong)
    assert not wrong, f"{ok}/{len(amount_rows)} rows match; wrong (amount, got, expected): {wrong}"


def test_every_csv_row_gives_the_sentence(amount_rows):
    wrong = []
    for n, w in amount_rows:
        sentence = amount_in_words(n)
        if sentence != w[0].upper() + w[1:] + " đồng." or sentence.lower() != w + " đồng.":
            wrong.append((n, sentence))
    ok = len(amount_rows) - len(wrong)
    assert not wrong, f"{ok}/{len(amount_rows)} sentences right; wrong: {wrong}"


def test_every_csv_row_parses_back_in_every_convention(amount_rows):
    wrong = [
        (n, c)
        for n, _ in amount_rows
        for c in ALL_CONVENTIONS
        if words_to_number(number_in_words(n, c)) != n or words_to_number(amount_in_words(n, c)) != n
    ]
    total = len(amount_rows) * len(ALL_CONVENTIONS)
    assert not wrong, f"{total - len(wrong)}/{total} round trips right; wrong: {wrong[:10]}"


@pytest.mark.parametrize(
    ("n", "sentence"),
    [
        (0, "Không đồng."),
        (46_670_000, "Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng."),
        (1_015, "Một nghìn không trăm mười lăm đồng."),
        (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng."),
        (-2_540_000, "Âm hai triệu năm trăm bốn mươi nghìn đồng."),
        (-1, "Âm một đồng."),
    ],
)
def test_amount_sentences(n, sentence):
    assert amount_in_words(n) == sentence


@pytest.mark.parametrize(
    ("n", "convention", "words"),
    [
        (105, SOUTHERN, "một trăm lẻ năm"),
        (1_005, SOUTHERN, "một ngàn không trăm lẻ năm"),
        (24, SOUTHERN, "hai mươi tư"),
        (1_000_000_000_000, SOUTHERN, "một ngàn tỷ"),
        (1_005_000, WordConvention(linh="lẻ"), "một triệu không trăm lẻ năm nghìn"),
        (21_000, WordConvention(nghin="ngàn"), "hai mươi mốt ngàn"),
        (24, WordConvention(tu="bốn"), "hai mươi bốn"),
        (44_044, WordConvention(tu="bốn"), "bốn mươi bốn nghìn không trăm bốn mươi bốn"),
        (14, WordConvention(tu="bốn"), "mười bốn"),
        (104, WordConvention(tu="bốn"), "một trăm linh bốn"),
        (104, CANONICAL, "một trăm linh bốn"),
        (1_000_000, WordConvention(chan=True), "một triệu"),
    ],
)
def test_convention_options(n, convention, words):
    assert number_in_words(n, convention) == words


def test_chan_appends_chan_after_dong():
    assert amount_in_words(1_000_000, WordConvention(chan=True)) == "Một triệu đồng chẵn."
    assert amount_in_words(0, WordConvention(chan=True)) == "Không đồng chẵn."
    assert amount_in_words(1_000_000) == "Một triệu đồng."


def test_southern_and_canonical_constants():
    assert CANONICAL == WordConvention(linh="linh", nghin="nghìn", tu="tư", chan=False)
    assert SOUTHERN == WordConvention(linh="lẻ", nghin="ngàn")


@pytest.mark.parametrize(
    "kwargs", [{"linh": "le"}, {"linh": "lẽ"}, {"nghin": "nghin"}, {"tu": "4"}, {"chan": "yes"}, {"chan": 1}]
)
def test_convention_rejects_unknown_values(kwargs):
    with pytest.raises(ValueError, match="Quy ước đọc số") as err:
        WordConvention(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(err.value)


def test_convention_is_frozen_and_nfc():
    decomposed = unicodedata.normalize("NFD", "lẻ")
    assert WordConvention(linh=decomposed) == WordConvention(linh="lẻ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        CANONICAL.linh = "lẻ"


def test_convention_from_mapping():
    assert WordConvention.from_mapping({"linh": "lẻ", "nghin": "ngàn"}) == SOUTHERN
    assert WordConvention.from_mapping({}) == CANONICAL
    assert WordConvention.from_mapping({"linh": " Lẻ ", "tu": "bốn", "chan": True}) == WordConvention(
        linh="lẻ", tu="bốn", chan=True
    )
    with pytest.raises(ValueError, match="ngan"):
        WordConvention.from_mapping({"ngan": "ngàn"})
    with pytest.raises(ValueError, match="Quy ước đọc số"):
        WordConvention.from_mapping("lẻ")
    with pytest.raises(ValueError, match="chan"):
        WordConvention.from_mapping({"chan": "có"})


@pytest.mark.parametrize("n", [MAX + 1, -MAX - 1, 10**18])
def test_out_of_range_amounts(n):
    with pytest.raises(AmountRangeError) as err:
        number_in_words(n)
    assert isinstance(err.value, ValueError)
    assert format_number(n) in str(err.value)
    with pytest.raises(AmountRangeError):
        amount_in_words(n)


def test_range_limits_are_readable():
    assert number_in_words(MAX).startswith("chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ")
    assert number_in_words(-MAX).startswith("âm chín trăm")


@pytest.mark.parametrize("value", [True, False, 1.0, Decimal(5), "5", None])
def test_non_int_amounts_are_type_errors(value):
    with pytest.raises(TypeError):
        number_in_words(value)
    with pytest.raises(TypeError):
        amount_in_words(value)


def test_convention_must_be_a_word_convention():
    with pytest.raises(TypeError):
        number_in_words(5, {"linh": "lẻ"})


# --- words → number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("một nghìn không trăm mười lăm", 1_015),
        ("Một nghìn không trăm mười lăm đồng.", 1_015),
        ("MỘT NGHÌN KHÔNG TRĂM MƯỜI LĂM ĐỒNG", 1_015),
        ("  hai   mươi   tư  ngàn  ", 24_000),
        ("hai mươi bốn nghìn", 24_000),
        ("một trăm lẻ năm", 105),
        ("Hai tỉ đồng chẵn.", 2_000_000_000),
        ("Một triệu đồng chẵn", 1_000_000),
        ("Không đồng.", 0),
        ("Âm năm đồng.", -5),
        ("một ngàn tỷ không trăm linh năm nghìn", 1_000_000_005_000),
        (unicodedata.normalize("NFD", "Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng."), 46_670_000),
    ],
)
def test_words_to_number_accepts(text, n):
    assert words_to_number(text) == n


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("mười một mươi", "mươi"),
        ("mười mốt", "mốt"),
        ("hai mươi một", "một"),
        ("mười tư", "tư"),
        ("một trăm linh tư", "tư"),
        ("một trăm năm", "năm"),
        ("một nghìn lẻ năm", "lẻ"),
        ("hai nghìn mười bốn", "mười"),
        ("một triệu năm nghìn", "năm"),
        ("một nghìn tỷ năm trăm tỷ", "tỷ"),
        ("một triệu một triệu", "triệu"),
        ("ba nghìn hai triệu", "nghìn"),
        ("nghìn một", "nghìn"),
        ("một mươi", "một"),
        ("âm không", "âm"),
        ("bẩy mươi", "bẩy"),
        ("một triệu đồng đồng", "đồng"),
        ("Bằng chữ: Một triệu đồng.", "bằng"),
        ("một triệu chẵn", "chẵn"),
    ],
)
def test_words_to_number_rejects_malformed(text, word):
    with pytest.raises(ValueError) as err:
        words_to_number(text)
    message = str(err.value)
    assert f'"{text}"' in message and f'"{word}"' in message, message


@pytest.mark.parametrize("text", ["", "   ", "đồng.", "âm", "một trăm linh"])
def test_words_to_number_rejects_empty_or_truncated(text):
    with pytest.raises(ValueError) as err:
        words_to_number(text)
    assert f'"{text}"' in str(err.value)


def test_words_to_number_range_and_type():
    with pytest.raises(AmountRangeError, match="một triệu tỷ"):
        words_to_number("một triệu tỷ")
    with pytest.raises(TypeError):
        words_to_number(5)


# --- num2words --------------------------------------------------------------------------------


def test_num2words_key_gives_our_readings(amount_rows):
    wrong = [n for n, w in amount_rows if num2words(n, lang="vi_vanban") != w]
    assert not wrong, f"{len(amount_rows) - len(wrong)}/{len(amount_rows)} num2words readings right; wrong: {wrong}"
    assert num2words(46_670_000, lang="vi_vanban", to="currency") == "Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng."
    assert num2words(-1, lang="vi_vanban", to="currency") == "Âm một đồng."
    assert num2words("46.670.000", lang="vi_vanban") == "bốn mươi sáu triệu sáu trăm bảy mươi nghìn"
    assert num2words(Decimal("1015"), lang="vi_vanban") == "một nghìn không trăm mười lăm"
    assert num2words(2024, lang="vi_vanban", to="year") == "hai nghìn không trăm hai mươi tư"
    assert [num2words(n, lang="vi_vanban", to="ordinal") for n in (1, 2, 4, 14)] == [
        "thứ nhất",
        "thứ hai",
        "thứ tư",
        "thứ mười bốn",
    ]


def test_num2words_key_rejects_what_it_cannot_read():
    with pytest.raises(ValueError):
        num2words(Decimal("1.5"), lang="vi_vanban")
    with pytest.raises(ValueError):
        num2words(0, lang="vi_vanban", to="ordinal")
    with pytest.raises(NotImplementedError):
        num2words(5, lang="vi_vanban", to="currency", currency="USD")


def test_num2words_registration_is_idempotent_and_leaves_vi_alone():
    converter = CONVERTER_CLASSES["vi_vanban"]
    register_num2words()
    assert CONVERTER_CLASSES["vi_vanban"] is converter
    assert type(CONVERTER_CLASSES["vi"]) is Num2Word_VI
    assert num2words(1015, lang="vi") == "một nghìn lẻ mười lăm"


# --- figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("46.670.000", 46_670_000),
        ("127", 127),
        ("08", 8),
        ("01", 1),
        ("0", 0),
        ("1000", 1000),
        ("0,5", Decimal("0.5")),
        ("12,5", Decimal("12.5")),
        ("1.250,75", Decimal("1250.75")),
        ("  1.250.000  ", 1_250_000),
        ("1.250.000đ", 1_250_000),
        ("1.250.000 đ", 1_250_000),
        ("150.000.000 đồng", 150_000_000),
        ("-5", -5),
        ("−1.500", -1500),
        ("-0,5", Decimal("-0.5")),
    ],
)
def test_parse_figure_accepts(text, value):
    result = parse_figure(text)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    ("text", "likely"),
    [
        ("7.00.000", 700_000),
        ("50.0000", 50_000),
        ("-7.00.000", -700_000),
        ("1000.000", 1_000_000),
        ("1.250.0000", 1_250_000),
        ("1.2.3", None),
        ("1,2,3", None),
        ("", None),
        ("abc", None),
        ("1.000.00", None),
        ("50.0001", None),
        ("0.500", None),
        ("12.5", None),
        ("1 000", None),
        ("1.000,", None),
        ("7.00.000,5", None),
        ("--5", None),
        ("đồng", None),
    ],
)
def test_parse_figure_rejects(text, likely):
    with pytest.raises(FigureError) as err:
        parse_figure(text)
    assert isinstance(err.value, ValueError)
    assert f'"{text}"' in str(err.value)
    assert err.value.text == text
    assert err.value.likely == likely


def test_figure_error_suggests_the_likely_value():
    with pytest.raises(FigureError, match=r"có thể là 700\.000\?"):
        parse_figure("7.00.000")


def test_parse_figure_type():
    with pytest.raises(TypeError):
        parse_figure(5)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (46_670_000, "46.670.000"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (-1500, "-1.500"),
        (Decimal("12.5"), "12,5"),
        (Decimal("12.50"), "12,50"),
        (Decimal("1250.75"), "1.250,75"),
        (Decimal("-0.5"), "-0,5"),
        (Decimal("1E+3"), "1.000"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("value", [1.5, True, "1000"])
def test_format_number_types(value):
    with pytest.raises(TypeError):
        format_number(value)


def test_format_number_rejects_nan():
    with pytest.raises(ValueError):
        format_number(Decimal("NaN"))


# --- Roman numerals and điểm letters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "I"),
        (2, "II"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (90, "XC"),
        (400, "CD"),
        (1994, "MCMXCIV"),
        (2024, "MMXXIV"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_roman(n, text):
    assert roman(n) == text
    assert parse_roman(text) == n


@pytest.mark.parametrize("n", [0, -1, 4000])
def test_roman_range(n):
    with pytest.raises(ValueError):
        roman(n)


def test_roman_type():
    with pytest.raises(TypeError):
        roman(True)


@pytest.mark.parametrize("text", ["IIII", "VX", "IC", "IL", "XM", "VV", "MMMM", "", "iv", " IV", "IV.", "A"])
def test_parse_roman_rejects_non_canonical(text):
    with pytest.raises(ValueError) as err:
        parse_roman(text)
    assert f'"{text}"' in str(err.value)


def test_diem_letters():
    letters = [diem_letter(n) for n in range(1, 24)]
    assert "".join(letters) == "abcdđeghiklmnopqrstuvxy"
    assert (diem_letter(5), diem_letter(6), diem_letter(7)) == ("đ", "e", "g")
    assert not set("fjwz") & set(letters)
    assert len(set(letters)) == 23


@pytest.mark.parametrize("n", [0, 24, -1])
def test_diem_letter_range(n):
    with pytest.raises(ValueError):
        diem_letter(n)


def test_diem_letter_type():
    with pytest.raises(TypeError):
        diem_letter(True)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
        (date(2024, 9, 15), "ngày 15 tháng 9 năm 2024"),
        (date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
        (date(2024, 3, 1), "ngày 01 tháng 3 năm 2024"),
        (date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
    ],
)
def test_format_date_hd23(d, text):
    assert format_date(d) == text
    assert format_date(day=d.day, month=d.month, year=d.year) == text


def test_every_day_of_a_leap_year_matches_the_hd23_regex():
    pattern = re.compile(r"^.+, ngày (0[1-9]|[12][0-9]|3[01]) tháng (01|02|[3-9]|1[0-2]) năm [0-9]{4}$")
    first = date(2024, 1, 1).toordinal()
    bad = [
        d
        for d in map(date.fromordinal, range(first, first + 366))
        if not pattern.match(f"Kiến Tường, {format_date(d)}")
    ]
    assert not bad


def test_format_date_draft_blanks():
    assert BLANK == " " * 6
    assert format_date(month=9, year=2024) == "ngày      tháng 9 năm 2024"
    assert format_date(month=2, year=2024) == "ngày      tháng 02 năm 2024"
    assert format_date(year=2024) == "ngày      tháng      năm 2024"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"day": 31, "month": 2, "year": 2024},
        {"day": 5, "year": 2024},
        {"month": 13, "year": 2024},
        {"month": 9},
        {},
        {"day": 5, "month": 2, "year": 24},
    ],
)
def test_format_date_rejects(kwargs):
    with pytest.raises(ValueError):
        format_date(**kwargs)


def test_format_date_rejects_date_and_keywords_together():
    with pytest.raises(ValueError):
        format_date(date(2024, 2, 5), year=2024)
    with pytest.raises(TypeError):
        format_date("05/02/2024")


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2024, 10, 10), "10/10/2024"),
        (date(2024, 10, 8), "08/10/2024"),
        (date(2024, 9, 9), "09/9/2024"),
        (date(2024, 2, 5), "05/02/2024"),
        (date(2022, 1, 18), "18/01/2022"),
        (date(2024, 3, 1), "01/3/2024"),
    ],
)
def test_format_date_short(d, text):
    assert format_date_short(d) == text
    assert parse_date_short(text) == d


@pytest.mark.parametrize(
    ("text", "d"),
    [
        ("9/9/2024", date(2024, 9, 9)),
        ("09/09/2024", date(2024, 9, 9)),
        (" 10/10/2024 ", date(2024, 10, 10)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_parse_date_short_accepts(text, d):
    assert parse_date_short(text) == d


@pytest.mark.parametrize("text", ["31/02/2024", "29/02/2023", "00/1/2024", "1/13/2024", "2024-02-05", "5/2/24", ""])
def test_parse_date_short_rejects(text):
    with pytest.raises(ValueError) as err:
        parse_date_short(text)
    assert f'"{text}"' in str(err.value)


# --- vanban words -----------------------------------------------------------------------------


def run_words(argv: list[str]) -> int:
    """Run `vanban words` through a parser built from the sub-command's own ``register``."""
    parser = argparse.ArgumentParser(prog="vanban")
    words_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["words", *argv])
    return args.func(args)


def test_cli_prints_one_sentence_per_amount(capsys):
    assert run_words(["1015", "2014", "1500000000000"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Một nghìn không trăm mười lăm đồng.",
        "Hai nghìn không trăm mười bốn đồng.",
        "Một nghìn năm trăm tỷ đồng.",
    ]


def test_cli_reads_vietnamese_figures(capsys):
    assert run_words(["46.670.000", "-5", "1.000,00", "--", "-1.500.000"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Bốn mươi sáu triệu sáu trăm bảy mươi nghìn đồng.",
        "Âm năm đồng.",
        "Một nghìn đồng.",
        "Âm một triệu năm trăm nghìn đồng.",
    ]


def test_cli_convention_options(capsys):
    assert run_words(["--le", "--ngan", "--bon", "--chan", "105024"]) == 0
    assert capsys.readouterr().out == "Một trăm lẻ năm ngàn không trăm hai mươi bốn đồng chẵn.\n"


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        ("7.00.000", "nhóm chữ số sau dấu chấm phải có đúng 3 chữ số (có thể là 700.000?)"),
        ("1,5", "phần thập phân"),
        ("1000000000000000", "vượt quá 999.999.999.999.999"),
        ("abc", "không có chữ số"),
    ],
)
def test_cli_rejects_bad_amounts_and_prints_nothing(capsys, amount, fragment):
    assert run_words(["1015", amount]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f'Số tiền không hợp lệ: "{amount}" — ' in err and fragment in err


@pytest.mark.skipif(
    any(importlib.util.find_spec(f"generator.cli.{name}") is None for name in ("build", "check")),
    reason="generator.cli.build/check chưa có: bộ điều phối `vanban` chưa dựng được",
)
def test_cli_through_the_dispatcher(capsys):
    from generator.cli import main

    assert main(["words", "1015"]) == 0
    assert capsys.readouterr().out == "Một nghìn không trăm mười lăm đồng.\n"
