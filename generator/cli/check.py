"""`vanban check TỆP.docx…`: check Word files against the Nghị định 30/2020 layout rules (shared/nd30.md).

Exit code: 0 no error in any file (warnings allowed), 1 at least one error, 2 a file could not be read
(the other files are still checked).
"""

from __future__ import annotations

import argparse
import json
import sys

from generator.check import CheckFileError, CheckReport, check_document


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="kiểm tra thể thức tệp .docx theo Nghị định 30/2020/NĐ-CP",
        description="Kiểm tra thể thức văn bản Word (.docx) theo Nghị định 30/2020/NĐ-CP: khổ giấy, lề, phông chữ, "
        "phần đầu văn bản, tên loại, trích yếu, thân bài, nơi nhận, chữ ký, số trang, phụ lục.",
        epilog="Mã thoát: 0 không có lỗi; 1 có lỗi; 2 có tệp không đọc được.",
    )
    parser.add_argument("files", nargs="+", metavar="TỆP.docx", help="tệp Word cần kiểm tra")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: mỗi lỗi một dòng (mặc định); json: danh sách tệp và lỗi",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--draft", dest="draft", action="store_const", const=True, help="coi là dự thảo (chấp nhận số và ngày để trống)"
    )
    mode.add_argument(
        "--final",
        dest="draft",
        action="store_const",
        const=False,
        help="coi là văn bản chính thức (không chấp nhận số, ngày để trống hay dấu DỰ THẢO)",
    )
    parser.set_defaults(func=run, draft=None)


def format_report(report: CheckReport) -> str:
    """One line per violation, then a summary line."""
    lines = [f"{report.path}{' (dự thảo)' if report.is_draft else ''}:"]
    for v in report.violations:
        place = f"{v.where}: «{v.excerpt}»" if v.excerpt else v.where
        note = " (cảnh báo)" if v.severity == "warning" else ""
        lines.append(f"{v.rule}  {place} — cần: {v.expected}; thấy: {v.found}{note}")
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors:
        lines.append(f"Không có lỗi, {warnings} cảnh báo." if warnings else "Không có lỗi.")
    else:
        lines.append(f"{errors} lỗi, {warnings} cảnh báo")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    results: list[CheckReport | tuple[str, str]] = []  # a report, or (file, error message), in argument order
    for name in args.files:
        try:
            results.append(check_document(name, draft=args.draft))
        except CheckFileError as exc:
            results.append((name, str(exc)))
            print(f"Lỗi: {exc}", file=sys.stderr)
    reports = [r for r in results if isinstance(r, CheckReport)]
    if args.format == "json":
        entries = [r.as_dict() if isinstance(r, CheckReport) else {"path": r[0], "error": r[1]} for r in results]
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(format_report(r) for r in reports))
    if len(reports) < len(results):
        return 2
    return 1 if any(r.errors for r in reports) else 0
