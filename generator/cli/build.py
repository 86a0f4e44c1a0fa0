"""`vanban build PLAN.yaml`: the Kế hoạch, its appendices, the combined file and so-lieu.json.

With --pdf, also a PDF of each Word file. Without LibreOffice the Word files are still written, the
install hint is printed as a warning on stderr and the exit code stays 0: the .docx files are the
deliverable. A LibreOffice that fails is an error (exit 2; the Word files are already written).
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.cli.common import EXIT_OK, guarded, write_pdfs


def register(sub) -> None:
    parser = sub.add_parser("build", help="soạn Kế hoạch, Phụ lục I, Phụ lục II và hồ sơ gộp (.docx) từ tệp dữ liệu")
    parser.add_argument("plan", type=Path, help="tệp dữ liệu kế hoạch (.yaml)")
    parser.add_argument("-o", "--output", type=Path, help="thư mục kết quả (mặc định output/<tên tệp>/)")
    parser.add_argument("--draft", action="store_true", help="đánh dấu DỰ THẢO (tự động khi chưa có số hoặc ngày ký)")
    parser.add_argument("--pdf", action="store_true",
                        help="tạo thêm bản PDF của mỗi tệp Word (cần LibreOffice; thiếu thì chỉ cảnh báo, tệp Word vẫn được ghi)")
    parser.add_argument("--bo-ho-so", action="store_true",
                        help="soạn thêm các giấy tờ kèm theo kế hoạch ở phần giay_to: (Tờ trình, Quyết định, Giấy mời, "
                             "Báo cáo kết quả, Công văn, Thông báo), mỗi văn bản kèm tệp .json siêu dữ liệu")
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _build(args))


def _build(args) -> int:
    from generator.build import build
    from generator.vi import amount_in_words, format_number

    result = build(args.plan, args.output, draft=args.draft or None, bo_ho_so=args.bo_ho_so)
    for warning in result.loaded.warnings:
        print(f"Cảnh báo: {warning}", file=sys.stderr)
    figures = result.figures
    plan = figures.plan
    convention = plan.quy_uoc_so.convention()
    state = " — DỰ THẢO (chưa có số hoặc ngày ký)" if plan.is_draft or args.draft else ""
    print(f"Kế hoạch: {plan.van_ban.trich_yeu}{state}")
    if figures.phu_luc_1:
        print(f"{figures.phu_luc_1.ten}: {format_number(figures.phu_luc_1.tong)} người tham dự")
    if figures.phu_luc_2:
        budget = figures.phu_luc_2
        print(f"{budget.ten}: {len(budget.bang)} bảng, tổng kinh phí {format_number(budget.tong)} đồng")
        print(f"  Bằng chữ: {amount_in_words(budget.tong, convention)}")
        for source, amount in budget.theo_nguon:
            print(f"  {source.ten}: {format_number(amount)} đồng")
    if result.papers is not None:
        print(f"Bộ hồ sơ: {len(result.papers.listing)} văn bản kèm theo, {result.papers.letters} giấy mời"
              + (f"; hạn báo cáo theo kế hoạch: trước ngày {result.papers.due}" if result.papers.due else ""))
    print("Đã ghi:")
    for path in result.written:
        print(f"  {path}")
    if result.changes is not None:
        _print_changes(result.changes)
    if not args.pdf:
        return EXIT_OK
    code = write_pdfs(result.docx)
    if result.papers is not None:
        from generator.papers.build import count_pages

        count_pages(result.written)
    return code


def _print_changes(changes: list[str]) -> None:
    if not changes:
        print("Không có số liệu nào thay đổi.")
        return
    print("Thay đổi so với lần soạn trước:")
    for line in changes:
        print(f"  {line}")
