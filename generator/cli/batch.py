"""`vanban batch PLAN.yaml --units UNITS.yaml [-o DIR] [-j N]`: the plan of every xã, phường, đặc khu at once.

Exit codes: 0 every unit written and their figures add up to the higher plan's; 1 written, but the
figures do not add up (listed, and marked in the workbook); 2 a unit's data (or the input) is invalid.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, guarded, print_problems


def register(sub) -> None:
    parser = sub.add_parser(
        "batch",
        help="soạn Kế hoạch cấp xã (xã, phường, đặc khu) cho mọi đơn vị trong tệp đơn vị: mỗi đơn vị một thư mục, "
        "một tệp nén và bảng tổng hợp đối chiếu với kế hoạch cấp trên",
    )
    parser.add_argument("plan", type=Path, help="tệp dữ liệu kế hoạch cấp trên (của tỉnh, thành phố; .yaml)")
    parser.add_argument(
        "--units",
        type=Path,
        required=True,
        help="tệp các xã, phường, đặc khu (.yaml), ví dụ data/units/tay-ninh.yaml (tạo bằng vanban don-vi)",
    )
    parser.add_argument("-o", "--output", type=Path, help="thư mục kết quả (mặc định output/<tên tệp kế hoạch>/)")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="tạo thêm bản PDF của mọi tệp Word (mỗi lõi CPU một LibreOffice; có trong tệp nén; thiếu thì chỉ cảnh báo)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=CORES,
        metavar="N",
        help=f"số tiến trình chạy song song (mặc định: số lõi CPU dùng được, ở máy này {CORES})",
    )
    parser.set_defaults(func=run)


CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"-j cần một số nguyên từ 1 trở lên, thấy {text!r}")
    return value


def run(args) -> int:
    return guarded(lambda: _batch(args))


def _batch(args) -> int:
    from generator.units.batch import UNITS_FOLDER, run_batch, summary_lines
    from generator.vi import format_number

    result = run_batch(args.plan, args.units, args.output, jobs=args.jobs, progress=True, pdf=args.pdf)
    for unit in result.units:
        for warning in unit.warnings:
            print(f"Cảnh báo ({unit.unit.ten}): {warning}", file=sys.stderr)
    for unit in result.failed:
        print_problems(f"{unit.unit.ten}: dữ liệu có lỗi, chưa ghi đơn vị này", unit.problems)
    print("\n".join(summary_lines(result)))
    removed = [result.folder / UNITS_FOLDER / u.unit.slug / name for u in result.units for name in u.removed]
    if removed and not args.pdf:
        print(
            f"Đã xóa {len(removed)} bản PDF cũ vì tệp Word của đơn vị vừa soạn lại không còn khớp với nó "
            "(chạy lại với --pdf để tạo bản PDF mới):",
            file=sys.stderr,
        )
        for path in removed:
            print(f"  {path}", file=sys.stderr)
    pdf_failed = _print_pdfs(result) if args.pdf else False
    if result.mismatches:
        higher = result.wording.ke_hoach
        print(f"Số liệu các đơn vị không khớp với {higher} ({len(result.mismatches)}):", file=sys.stderr)
        for line in result.mismatches:
            print(
                f"  {line.ten}: các đơn vị cộng lại {format_number(line.don_vi)}, {higher} {format_number(line.cap_tren)}",
                file=sys.stderr,
            )
    if result.failed or pdf_failed:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if result.mismatches else EXIT_OK


def _print_pdfs(result) -> bool:
    """What --pdf made; True when some files could not be converted (named)."""
    if result.pdf_problem is not None:
        print(f"Cảnh báo: {result.pdf_problem}", file=sys.stderr)
        return False
    print(f"Đã ghi {len(result.pdf.written)} bản PDF (cả trong {result.written[0].name}).")
    if result.pdf.failed:
        print(
            f"LibreOffice không chuyển được sang PDF (đã thử lại một lần) {len(result.pdf.failed)} tệp:",
            file=sys.stderr,
        )
        for path in result.pdf.failed:
            print(f"  {path}", file=sys.stderr)
    return bool(result.pdf.failed)
