"""`vanban build PLAN.yaml`: the Kế hoạch, its appendices, the combined file and so-lieu.json.

With --pdf, also a PDF of each Word file, written with them as one set. Without LibreOffice the
Word files are still written, the install hint is printed as a warning on stderr and the exit code
stays 0: the .docx files are the deliverable. A LibreOffice that fails is an error (exit 2; the
Word files are written). A PDF whose Word file was rewritten without a new PDF is removed, and
the command says so: the folder never holds a PDF that disagrees with its Word file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_OK, guarded


def register(sub) -> None:
    parser = sub.add_parser("build", help="soạn Kế hoạch, Phụ lục I, Phụ lục II và hồ sơ gộp (.docx) từ tệp dữ liệu")
    parser.add_argument("plan", type=Path, nargs="?", help="tệp dữ liệu kế hoạch (.yaml)")
    parser.add_argument(
        "--vi-du",
        action="store_true",
        help="soạn kế hoạch mẫu đi kèm vanban (Kế hoạch 2024 của thị xã Kiến Tường) thay cho PLAN",
    )
    parser.add_argument("-o", "--output", type=Path, help="thư mục kết quả (mặc định output/<tên tệp>/)")
    parser.add_argument("--draft", action="store_true", help="đánh dấu DỰ THẢO (tự động khi chưa có số hoặc ngày ký)")
    parser.add_argument(
        "--mau",
        type=Path,
        metavar="THƯ_MỤC",
        help="bộ mẫu riêng (thư mục chép từ templates/ rồi sửa trong Word); thay cho mau: trong kế hoạch",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="tạo thêm bản PDF của mỗi tệp Word (cần LibreOffice; thiếu thì chỉ cảnh báo, tệp Word vẫn được ghi)",
    )
    parser.add_argument(
        "--bo-ho-so",
        action="store_true",
        help="soạn thêm các giấy tờ kèm theo kế hoạch ở phần giay_to: (Tờ trình, Quyết định, Giấy mời, "
        "Báo cáo kết quả, Công văn, Thông báo), mỗi văn bản kèm tệp .json siêu dữ liệu",
    )
    parser.set_defaults(func=run, parser=parser)


def run(args) -> int:
    if args.vi_du == (args.plan is not None):
        args.parser.error("cần đúng một trong hai: tệp dữ liệu PLAN hoặc --vi-du")
    if args.vi_du:
        from generator.resources import example_plan

        args.plan = example_plan()
    return guarded(lambda: _build(args))


def _build(args) -> int:
    from generator.build import build

    result = build(args.plan, args.output, draft=args.draft or None, mau=args.mau, pdf=args.pdf, bo_ho_so=args.bo_ho_so)
    for warning in result.loaded.warnings:
        print(f"Cảnh báo: {warning}", file=sys.stderr)
    figures = result.figures
    plan = figures.plan
    convention = plan.quy_uoc_so.convention()
    state = " — DỰ THẢO (chưa có số hoặc ngày ký)" if plan.is_draft or args.draft else ""
    print(f"Kế hoạch: {plan.van_ban.trich_yeu}{state}")
    for part in figures.phu_luc:
        _print_appendix(part, convention)
    if result.papers is not None:
        print(
            f"Bộ hồ sơ: {len(result.papers.listing)} văn bản kèm theo, {result.papers.letters} giấy mời"
            + (f"; hạn báo cáo theo kế hoạch: trước ngày {result.papers.due}" if result.papers.due else "")
        )
    print("Đã ghi:")
    for path in result.written:
        print(f"  {path}")
    if result.changes is not None:
        _print_changes(result.changes)
    code = _report_pdf(result)
    if args.pdf and result.papers is not None:
        from generator.papers.build import count_pages

        count_pages(result.written)
    return code


def _report_pdf(result) -> int:
    from generator.render.pdf import PdfUnavailable

    if result.removed:
        print(
            "Đã xóa bản PDF cũ vì tệp Word vừa soạn lại không còn khớp với nó (chạy lại với --pdf để tạo bản PDF mới):",
            file=sys.stderr,
        )
        for path in result.removed:
            print(f"  {path}", file=sys.stderr)
    if isinstance(result.pdf_problem, PdfUnavailable):
        print(f"Cảnh báo: {result.pdf_problem}", file=sys.stderr)
    elif result.pdf_problem is not None:
        print(f"Chưa tạo được bản PDF (các tệp Word đã ghi): {result.pdf_problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _print_appendix(part, convention) -> None:
    from generator.compute.figures import AttendeeFigures, BudgetFigures, GeneralTableFigures, PersonsFigures
    from generator.vi import amount_in_words, format_number

    if isinstance(part, AttendeeFigures):
        what = "người tham dự" if part.cot.so_luong == "Số lượng đại biểu" else f"({part.cot.so_luong.lower()})"
        print(f"{part.ten}: {format_number(part.tong)} {what}")
    elif isinstance(part, BudgetFigures):
        print(f"{part.ten}: {len(part.bang)} bảng, tổng kinh phí {format_number(part.tong)} đồng")
        print(f"  Bằng chữ: {amount_in_words(part.tong, convention)}")
        for source, amount in part.theo_nguon:
            print(f"  {source.ten}: {format_number(amount)} đồng")
    elif isinstance(part, PersonsFigures):
        print(f"{part.ten}: danh sách {format_number(part.tong)} người")
    elif isinstance(part, GeneralTableFigures):
        print(f"{part.ten}: bảng {len(part.dong)} dòng — {part.tieu_de}")
    else:
        print(f"{part.ten}: {part.tieu_de}")


def _print_changes(changes: list[str]) -> None:
    if not changes:
        print("Không có số liệu nào thay đổi.")
        return
    print("Thay đổi so với lần soạn trước:")
    for line in changes:
        print(f"  {line}")
