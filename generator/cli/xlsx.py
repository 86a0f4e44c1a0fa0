"""`vanban export-xlsx PLAN.yaml -o PLAN.xlsx` and `vanban import-xlsx PLAN.xlsx PLAN.yaml`:
the appendices to an Excel workbook for the finance officer, and the edited figures back."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_OK, guarded


def register(sub) -> None:
    export = sub.add_parser(
        "export-xlsx", help="xuất Phụ lục I và các bảng Phụ lục II ra Excel để bộ phận tài chính sửa"
    )
    export.add_argument("plan", type=Path, help="tệp dữ liệu kế hoạch (.yaml)")
    export.add_argument("-o", "--output", type=Path, help="tệp Excel (mặc định: cùng tên tệp dữ liệu, đuôi .xlsx)")
    export.add_argument("--force", action="store_true", help="ghi đè tệp Excel đã có (mất mọi chỉnh sửa trong đó)")
    export.set_defaults(func=run_export)
    back = sub.add_parser(
        "import-xlsx",
        help="nhập lại số liệu đã sửa trong Excel vào tệp dữ liệu (giữ nguyên phần còn lại và chú thích)",
    )
    back.add_argument("workbook", type=Path, help="tệp Excel đã sửa (.xlsx, do export-xlsx tạo)")
    back.add_argument("plan", type=Path, help="tệp dữ liệu kế hoạch (.yaml) đã xuất ra tệp Excel đó")
    back.set_defaults(func=run_import)


def run_export(args) -> int:
    return guarded(lambda: _export(args))


def run_import(args) -> int:
    return guarded(lambda: _import(args))


def _export(args) -> int:
    from generator.excel.export import export_xlsx

    output = args.output or args.plan.with_suffix(".xlsx")
    if output.exists() and not args.force:
        print(f"Tệp {output} đã có (có thể chứa số liệu đang sửa); thêm --force để ghi đè", file=sys.stderr)
        return EXIT_BAD_INPUT
    path = export_xlsx(args.plan, output)
    print(f"Đã xuất bảng tính: {path}")
    print(f"  Sửa các ô nền trắng, lưu lại, rồi chạy: vanban import-xlsx {path} {args.plan}")
    return EXIT_OK


def _import(args) -> int:
    from generator.excel.importing import import_into_file

    imported = import_into_file(args.workbook, args.plan)
    if not imported.modified:
        print(f"Bảng tính không có gì khác tệp dữ liệu; {args.plan} giữ nguyên.")
        return EXIT_OK
    print(f"Đã cập nhật {args.plan} từ {args.workbook}:")
    for change in imported.changes:
        if change.any:
            print(f"  {change}")
            for edit in change.edits:
                print(f"    {edit}")
    if imported.figures:
        print("Số liệu thay đổi:")
        for line in imported.figures:
            print(f"  {line}")
    return EXIT_OK
