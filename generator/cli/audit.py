"""`vanban audit FILE.docx`: the arithmetic, figure-format and numbering errors of a typed plan."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.analysis.audit import AuditReport, audit_document
from generator.analysis.docread import DocumentError

EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
SEVERITY = {"error": "LỖI", "warning": "CẢNH BÁO"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="kiểm tra số liệu của một kế hoạch soạn tay (.docx): phép nhân, phép cộng, bằng chữ, cách viết số, đánh số",
        description="Đọc một kế hoạch (.docx) và báo các chỗ sai: thành tiền ≠ số lượng × đơn giá, tổng cộng, "
        "dòng “Bằng chữ”, số viết sai kiểu Việt Nam (7.00.000), đánh số nhảy hoặc lặp, tổng kinh phí và phân bổ "
        "theo nguồn, số người tham dự so với Phụ lục.",
        epilog="Mã thoát: 0 không có lỗi (có thể có cảnh báo), 1 có lỗi, 2 không đọc được tệp.",
    )
    parser.add_argument("document", type=Path, metavar="TỆP.docx", help="văn bản cần kiểm tra (.docx)")
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="định dạng kết quả: text (mặc định, để đọc) hoặc json (cho chương trình khác)",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    try:
        report = audit_document(args.document)
    except DocumentError as exc:
        print(f"Không đọc được văn bản. {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_text(report))
    return EXIT_ERRORS if report.errors else EXIT_CLEAN


def format_text(report: AuditReport) -> str:
    """The report for the clerk: each finding with where it is, what was found, what was expected."""
    lines = [f"Kiểm tra số liệu: {report.path}"]
    if not report.findings:
        lines.append("Không thấy lỗi số liệu, cách viết số hay đánh số nào.")
        return "\n".join(lines)
    for number, f in enumerate(report.findings, 1):
        lines += [
            "",
            f"{number}. {SEVERITY[f.severity]} {f.code} — {f.where}",
            f"   Thấy: {f.found}",
            f"   Đúng: {f.expected}",
            f"   {f.message}",
        ]
        if f.consequence_of:
            lines.append(f"   (Hệ quả của: {f.consequence_of})")
    lines += ["", f"Tổng: {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo."]
    return "\n".join(lines)
