"""`vanban new PLAN.yaml --year 2025 -o NEW.yaml`: next year's plan, with what to review."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_OK, guarded

EPILOG = """Quy tắc chuyển năm:
  - ngày tháng của chính kế hoạch trong năm cũ chuyển sang năm mới, giữ ngày và tháng
    (10/10/2024 → 10/10/2025; "ngày 10 tháng 10 năm 2024", "năm 2024" cũng vậy); van_ban.nam đổi theo;
  - số và ngày ký (van_ban.so, van_ban.ngay) được xóa: tệp mới là bản dự thảo;
  - văn bản được dẫn ("Kế hoạch số 2663/KH-UBND ngày 09/9/2024") giữ nguyên số và ngày, và được liệt kê;
  - ngày không có trong năm mới (29/02) giữ nguyên và được liệt kê để sửa tay;
  - văn bản được dẫn giữ nguyên cả trích yếu ("… về tổ chức … năm 2024" không đổi);
  - in ra từng chỗ đã chuyển (trường, dòng, cũ → mới);
  - liệt kê thêm: chỗ còn nhắc năm khác, chủ đề và khẩu hiệu của năm, ngày đã chuyển rơi vào
    Thứ Bảy, Chủ nhật hoặc ngày lễ của năm mới (Tết Nguyên Đán, Giỗ Tổ Hùng Vương theo âm lịch);
  - năm mới sớm hơn năm của kế hoạch bị từ chối trừ khi có --force.
--set TRƯỜNG=GIÁ_TRỊ sửa một trường sau khi chuyển năm, ví dụ:
  --set co_quan.ten_day_du="Ủy ban nhân dân xã X"  --set "co_quan.ten[1]=XÃ X"
  --set phu_luc_2.bang[0].dong[2].don_gia=250000"""


def register(sub) -> None:
    parser = sub.add_parser(
        "new",
        help="tạo kế hoạch năm sau từ kế hoạch năm nay (chuyển ngày tháng, liệt kê chỗ cần xem lại)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("plan", type=Path, help="tệp dữ liệu kế hoạch năm nay (.yaml)")
    parser.add_argument("--year", type=int, required=True, help="năm của kế hoạch mới, ví dụ 2025")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="tệp dữ liệu mới (mặc định: tên tệp cũ với năm mới, ví dụ kien-tuong-2025.yaml)",
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="TRƯỜNG=GIÁ_TRỊ",
        help="sửa một trường theo đường dẫn có dấu chấm và chỉ số (dùng được nhiều lần)",
    )
    parser.add_argument(
        "--force", action="store_true", help="ghi đè tệp -o nếu đã có; cho phép --year sớm hơn năm của kế hoạch"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _new(args))


def _output(args) -> Path | None:
    if args.output:
        return args.output
    from generator.model.rollover import BARE_YEAR

    stem = args.plan.stem
    years = [m for m in BARE_YEAR.finditer(stem)]
    if not years:
        return None
    last = years[-1]
    return args.plan.with_name(stem[: last.start()] + str(args.year) + stem[last.end() :] + args.plan.suffix)


def _new(args) -> int:
    from generator.model.rollover import rollover
    from generator.model.yamlfile import write_new_file

    output = _output(args)
    if output is None:
        print(
            f"Không đặt được tên tệp mới từ {args.plan.name} (tên không có năm); hãy ghi rõ -o TỆP_MỚI.yaml",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if output.resolve() == args.plan.resolve():
        print(f"Tệp mới trùng tệp gốc {args.plan}; không ghi đè tệp gốc, hãy chọn -o khác", file=sys.stderr)
        return EXIT_BAD_INPUT
    if output.exists() and not args.force:
        print(f"Tệp {output} đã có; thêm --force để ghi đè", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = rollover(args.plan, args.year, args.sets, output, backwards=args.force)
    write_new_file(output, result.text)
    print(f"Đã tạo kế hoạch năm {result.new_year}: {output}")
    print(
        f"  Đã chuyển {result.moved} chỗ ghi ngày tháng, năm từ {result.old_year} sang {result.new_year}; "
        "đã xóa số và ngày ký (bản dự thảo):"
    )
    for move in result.moves:
        print(f"    {move}")
    if args.sets:
        print(f"  Đã sửa {len(args.sets)} trường theo --set.")
    if result.review:
        print(f"Cần xem lại ({len(result.review)} chỗ):")
        for note in sorted(result.review, key=lambda n: (n.line or 0, str(n))):
            print(f"  {note}")
    if result.new_year >= 2025:
        _print_successor(args.plan)
    return EXIT_OK


def _print_successor(plan: Path) -> None:
    """Where the issuing body of the plan no longer exists (no district level since 1 July 2025):
    which body now issues it, and which communes its old units became (generator.units.dvhc)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from generator.cli.don_vi import print_successor
    from generator.units import dvhc

    text = plan.read_text(encoding="utf-8")
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError:  # read by the rollover already; what the safe loader refuses (a tag) just skips this note
        return
    body = (
        data.get("co_quan", {}).get("ten_day_du")
        if isinstance(data, dict) and isinstance(data.get("co_quan"), dict)
        else None
    )
    found = dvhc.successor(dvhc.load(), body, text) if isinstance(body, str) else None
    if found is None or found.province is None:
        return
    print_successor(found)
    print('  Sửa cơ quan ban hành bằng --set co_quan.ten_day_du=… và --set "co_quan.ten[1]=…" (xem vanban new --help).')
