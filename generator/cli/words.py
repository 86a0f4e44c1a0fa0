"""`vanban words`: write amounts in words, one "… đồng." sentence per amount."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

from generator.vi import FigureError, WordConvention, amount_in_words, parse_figure
from generator.vi.numbers import format_number
from generator.vi.words import MAX_AMOUNT


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "words",
        help="viết số tiền bằng chữ (dòng “Bằng chữ: … đồng.”)",
        description="In mỗi số tiền thành một câu bằng chữ, mỗi câu một dòng, ví dụ 1015 → "
        "“Một nghìn không trăm mười lăm đồng.”",
        epilog="Số âm có dấu chấm (-1.500.000) phải đặt sau “--”: vanban words -- -1.500.000",
    )
    parser.add_argument(
        "amounts", nargs="+", metavar="SỐ_TIỀN", help="số tiền, viết liền (46670000) hoặc có dấu chấm (46.670.000)"
    )
    parser.add_argument("--le", action="store_true", help="đọc “lẻ” thay cho “linh” (105: một trăm lẻ năm)")
    parser.add_argument("--ngan", action="store_true", help="đọc “ngàn” thay cho “nghìn”")
    parser.add_argument("--bon", action="store_true", help="đọc “bốn” thay cho “tư” (24: hai mươi bốn)")
    parser.add_argument("--chan", action="store_true", help="thêm “chẵn” sau “đồng” (Một triệu đồng chẵn.)")
    parser.set_defaults(func=run)


def _amount(text: str) -> int:
    """The whole-đồng amount written in ``text``; ValueError with a message quoting it."""
    try:
        value = parse_figure(text)
    except FigureError as err:
        raise ValueError(f'Số tiền không hợp lệ: "{text}" — {err.detail}') from None
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(f'Số tiền không hợp lệ: "{text}" — chỉ đọc được số đồng nguyên, không có phần thập phân')
        value = int(value)
    if abs(value) > MAX_AMOUNT:
        raise ValueError(f'Số tiền không hợp lệ: "{text}" — vượt quá {format_number(MAX_AMOUNT)} đồng')
    return value


def run(args: argparse.Namespace) -> int:
    convention = WordConvention(
        linh="lẻ" if args.le else "linh",
        nghin="ngàn" if args.ngan else "nghìn",
        tu="bốn" if args.bon else "tư",
        chan=args.chan,
    )
    amounts, errors = [], []
    for text in args.amounts:
        try:
            amounts.append(_amount(text))
        except ValueError as err:
            errors.append(str(err))
    if errors:
        for message in errors:
            print(message, file=sys.stderr)
        return 2
    for n in amounts:
        print(amount_in_words(n, convention))
    return 0
