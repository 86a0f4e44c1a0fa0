"""`vanban import FILE.docx -o data/NAME.yaml`: turn a typed plan into plan data for `vanban build`."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.analysis.docread import DocumentError
from generator.analysis.importer import ImportResult, import_document
from generator.cli.common import print_problems
from generator.errors import OutputError, PlanError
from generator.files import atomic_file

EXIT_OK, EXIT_CHECK, EXIT_BAD_INPUT = 0, 1, 2


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="chuyển một kế hoạch soạn tay (.docx) thành tệp dữ liệu (.yaml) cho vanban build",
        description="Đọc một kế hoạch (.docx) và ghi tệp dữ liệu kế hoạch: phần đầu, các mục, khoản, đoạn, nơi nhận, "
        "chữ ký, Phụ lục thành phần tham dự và dự trù kinh phí. Số bản gốc in sai được sửa và ghi chú “bản gốc …”; "
        "chỗ phải đoán có “TODO: kiểm tra”.",
        epilog="Mã thoát: 0 đã ghi, 1 đã ghi nhưng dữ liệu còn lỗi phải sửa tay, 2 không đọc được tệp hoặc không ghi được.",
    )
    parser.add_argument("document", type=Path, metavar="TỆP.docx", help="kế hoạch cần chuyển (.docx)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="TỆP.yaml",
        help="tệp dữ liệu sẽ ghi, ví dụ data/ke-hoach-2025.yaml (không ghi thì in ra màn hình)",
    )
    parser.add_argument("--force", action="store_true", help="ghi đè nếu tệp dữ liệu đã có")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.output and args.output.exists() and not args.force:
        print(f"Đã có tệp {args.output}; không ghi đè (thêm --force nếu muốn ghi đè).", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        result = import_document(args.document)
    except DocumentError as exc:
        print(f"Không đọc được văn bản. {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlanError as exc:
        print_problems("Văn bản có tham chiếu không hợp lệ, chưa ghi tệp nào", exc.problems)
        return EXIT_BAD_INPUT
    if args.output:
        try:
            with atomic_file(args.output) as out:
                out.write(result.yaml_text.encode("utf-8"))
        except OutputError as exc:
            print(f"Không ghi được kết quả: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"Đã ghi {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(result.yaml_text)
    print_report(result)
    return EXIT_CHECK if result.problems else EXIT_OK


def print_report(result: ImportResult) -> None:
    for title, items in (
        ("Cần kiểm tra", result.review),
        ("Chưa xếp được (đã giữ lại, xem ghi chú trong tệp)", result.unplaced),
        ("Dữ liệu còn lỗi, phải sửa tay trước khi vanban build", [str(p) for p in result.problems]),
    ):
        if items:
            print(f"{title} ({len(items)}):", file=sys.stderr)
            for item in items:
                print(f"  - {item}", file=sys.stderr)
