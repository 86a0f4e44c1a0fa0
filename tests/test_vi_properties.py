"""Property tests of generator.vi over the whole amount range (hypothesis)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.vi import (
    WordConvention,
    amount_in_words,
    format_number,
    number_in_words,
    parse_figure,
    parse_roman,
    roman,
    words_to_number,
)

MAX = 999_999_999_999_999
FAST = settings(max_examples=1000, deadline=None)

# Groups of three digits, biased towards the shapes that exercise the rules (zero groups, 0x, 1x,
# x1, x4, x5); five groups cover the range up to 999.999 tỷ.
edge_groups = st.sampled_from(
    [
        0,
        0,
        0,
        1,
        4,
        5,
        10,
        11,
        14,
        15,
        20,
        21,
        24,
        25,
        100,
        101,
        104,
        105,
        110,
        111,
        114,
        115,
        121,
        124,
        125,
        500,
        505,
        999,
    ]
)
shaped = st.lists(st.one_of(edge_groups, st.integers(0, 999)), min_size=5, max_size=5).map(
    lambda groups: int("".join(f"{g:03d}" for g in groups))
)
amounts = st.one_of(
    st.integers(-MAX, MAX),
    st.tuples(st.booleans(), shaped).map(lambda t: -t[1] if t[0] else t[1]),
)
conventions = st.builds(
    WordConvention,
    linh=st.sampled_from(["linh", "lẻ"]),
    nghin=st.sampled_from(["nghìn", "ngàn"]),
    tu=st.sampled_from(["tư", "bốn"]),
    chan=st.booleans(),
)
VOCABULARY = [
    "không",
    "một",
    "hai",
    "ba",
    "bốn",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mươi",
    "mốt",
    "tư",
    "lăm",
    "linh",
    "lẻ",
    "trăm",
    "nghìn",
    "ngàn",
    "triệu",
    "tỷ",
    "tỉ",
    "âm",
]


@FAST
@given(amounts, conventions)
def test_words_round_trip_in_every_convention(n, convention):
    sentence = amount_in_words(n, convention)
    assert words_to_number(number_in_words(n, convention)) == n
    assert words_to_number(sentence) == n
    assert words_to_number(unicodedata.normalize("NFD", sentence).upper()) == n


@FAST
@given(amounts, conventions)
def test_sentence_form(n, convention):
    sentence = amount_in_words(n, convention)
    assert sentence[0].isupper() and sentence[1:] == sentence[1:].lower()
    assert sentence.endswith(" đồng chẵn." if convention.chan else " đồng.")
    assert sentence == sentence.strip() and "  " not in sentence
    for wrong in (
        "mươi một",
        "mười mốt",
        "mười tư",
        "linh tư",
        "linh lăm",
        "lẻ tư",
        "lẻ lăm",
        "một mươi",
        "không mươi",
    ):
        assert wrong not in sentence.lower(), (wrong, sentence)


@FAST
@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8))
def test_parser_accepts_only_readings(words):
    """Any word salad is either refused with ValueError or is the reading of what it parses to."""
    text = " ".join(words)
    try:
        n = words_to_number(text)
    except ValueError:
        return
    aliases = {"lẻ": "linh", "ngàn": "nghìn", "tỉ": "tỷ"}
    got = [aliases.get(w, w) for w in words]
    reading = number_in_words(n).split()
    assert len(got) == len(reading), (text, reading)
    assert all(a == b or (a, b) == ("bốn", "tư") for a, b in zip(got, reading)), (text, reading)


@FAST
@given(st.one_of(amounts, st.decimals(min_value=-MAX, max_value=MAX, places=2, allow_nan=False)))
def test_figure_round_trip(x):
    text = format_number(x)
    assert re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?", text), text
    assert parse_figure(text) == x
    assert parse_figure(f" {text} đồng") == x
    if isinstance(x, int):
        assert type(parse_figure(text)) is int and parse_figure(str(x)) == x


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 3999))
def test_roman_round_trip(n):
    text = roman(n)
    assert parse_roman(text) == n
    assert re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", text)
